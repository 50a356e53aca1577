import { Hono } from 'hono'
import { DOWNLOAD_PREFIX } from './delivery/links.ts'
import type { AppDeps, AppEnv } from './http/env.ts'
import { envelope, errorResponse, errorStyle } from './http/errors.ts'
import { authenticate, orgContext } from './http/middleware/auth.ts'
import { provideDeps } from './http/middleware/deps.ts'
import { requestLog } from './http/middleware/request-log.ts'
import { dashboardRoutes } from './http/routes/dashboards.ts'
import { datasourceRoutes } from './http/routes/datasources.ts'
import { docRoutes } from './http/routes/docs.ts'
import { documentRoutes, generateRoutes } from './http/routes/documents.ts'
import { downloadRoutes } from './http/routes/downloads.ts'
import { folderRoutes } from './http/routes/folders.ts'
import { healthRoutes } from './http/routes/health.ts'
import { jobRoutes } from './http/routes/jobs.ts'
import { orgRoutes } from './http/routes/orgs.ts'
import { reportDataRoutes } from './http/routes/report-data.ts'
import { reportOutputRoutes } from './http/routes/report-output.ts'
import { reportRoutes } from './http/routes/reports.ts'
import { reportV1Routes } from './http/routes/reports-v1.ts'
import { roleRoutes } from './http/routes/roles.ts'
import { runRoutes, runV1Routes } from './http/routes/runs.ts'
import { sessionRoutes } from './http/routes/session.ts'
import { tokenRoutes } from './http/routes/tokens.ts'
import { uiRoutes } from './http/routes/ui.ts'
import { userRoutes } from './http/routes/users.ts'

/**
 * The Hono app. Public routes and protected routes are separate sub-apps, so authentication
 * never depends on the order routes are registered in.
 */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  // Dependencies first: everything after, the request log included, may rely on them.
  app.use('*', provideDeps(deps))
  app.use('*', requestLog(deps))
  // Seed 000's routes answer errors in its shape, from authentication on (same mapper).
  app.use('/api/v1/*', errorStyle('seed000'))
  app.onError((err, c) => errorResponse(c, err))
  app.notFound((c) => envelope(c, 'not_found', `No route for ${c.req.method} ${c.req.path}`))

  app.route('/', healthRoutes)
  app.route('/', docRoutes)
  // The web UI: static files, public (the page signs in through the API like any client).
  app.route('/', uiRoutes)
  // Signed links from emails: the signature is the credential, so no authenticate here.
  app.route(DOWNLOAD_PREFIX, downloadRoutes)

  // Before the API: signing in is how a browser gets its credentials.
  app.route('/api/v2/session', sessionRoutes)

  const api = new Hono<AppEnv>()
  api.use('*', authenticate)
  api.route('/v2', orgRoutes)

  // Org-scoped resources: the org context is built for exactly these paths, nothing else. Once
  // per path: several sub-apps share a mount path, and every extra registration is one more
  // middleware each of their requests passes through.
  const withContext = new Set<string>()
  const inOrg = (path: string, routes: Hono<AppEnv>) => {
    if (!withContext.has(path)) {
      withContext.add(path)
      api.use(path, orgContext)
      api.use(`${path}/*`, orgContext)
    }
    api.route(path, routes)
  }
  // Runs first: `/schedule/preview` must win over the reports' `/:id` routes.
  inOrg('/v2/:org/reports', runRoutes)
  inOrg('/v2/:org/reports', reportOutputRoutes)
  inOrg('/v2/:org/reports', generateRoutes)
  inOrg('/v2/:org/reports', reportRoutes)
  inOrg('/v2/:org/folders/:type', folderRoutes)
  inOrg('/v2/:org/dashboards', dashboardRoutes)
  inOrg('/v2/:org/datasources', datasourceRoutes)
  inOrg('/v2/:org/tokens', tokenRoutes)
  inOrg('/v2/:org/users', userRoutes)
  inOrg('/v2/:org/roles', roleRoutes)
  inOrg('/v2/:org/jobs', jobRoutes)
  inOrg('/v2/:org/documents', documentRoutes)
  inOrg('/v1/:org/reports', reportDataRoutes)
  inOrg('/:org/reports', runV1Routes)
  inOrg('/:org/reports', reportV1Routes)

  app.route('/api', api)
  return app
}
