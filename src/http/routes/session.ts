import { Hono } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { z } from 'zod'
import { signIn, signOut } from '../../auth/sessions.ts'
import { jsonBody } from '../body.ts'
import { clientAddress } from '../client-address.ts'
import type { AppEnv } from '../env.ts'
import { refuseCrossSite, SESSION_COOKIE } from '../middleware/auth.ts'
import { documentRoute } from '../openapi.ts'
import { ok } from '../respond.ts'

const PATH = '/api/v2/session'
const signInBody = z.object({
  email: z.string().trim().min(1, 'Email is required').max(320),
  password: z.string().min(1, 'Password is required').max(1024),
})

documentRoute({
  method: 'post',
  path: PATH,
  summary:
    'Sign in a browser: sets the httpOnly herald_session cookie (SameSite=Lax), ended after two hours idle',
  tag: 'session',
  body: signInBody,
})
documentRoute({
  method: 'delete',
  path: PATH,
  summary: 'Sign out: ends the session of the cookie (send X-Herald-CSRF)',
  tag: 'session',
})

/** Public: the credentials are in the body (sign in) or the cookie (sign out). */
export const sessionRoutes = new Hono<AppEnv>()
  .post('/', async (c) => {
    // JSON only: a cross-site HTML form cannot send application/json without a preflight.
    const body = await jsonBody(c, signInBody)
    const deps = c.get('deps')
    const { cookie, principal } = await signIn(
      {
        database: deps.database,
        now: deps.clock.now(),
        isRoot: (e) => deps.authenticator.isRoot(e),
      },
      body.email,
      body.password,
      { throttle: deps.authenticator.throttle, address: clientAddress(c) },
    )
    setCookie(c, SESSION_COOKIE, cookie, {
      path: '/',
      httpOnly: true,
      sameSite: 'Lax',
      secure: deps.config.publicUrl.startsWith('https:'),
    })
    return ok(c, 'Signed in', { email: principal.email, root: principal.root })
  })
  .delete('/', async (c) => {
    const cookie = getCookie(c, SESSION_COOKIE)
    if (cookie) {
      refuseCrossSite(c)
      await signOut(c.get('deps').database, cookie)
    }
    deleteCookie(c, SESSION_COOKIE, { path: '/' })
    return ok(c, 'Signed out')
  })
