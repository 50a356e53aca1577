import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auditLog } from '../../src/db/schema/index.ts'
import { basic, createTestApp, ROOT_EMAIL, type TestApp } from '../helpers/app.ts'
import { makeFolder, unique } from '../helpers/factories.ts'

/** Users, roles and tokens of an org: shapes, validation, and what admins may not do. */
describe('admin API', () => {
  let t: TestApp
  let admin: string
  const org = 'adm'
  const req = (method: string, path: string, body?: unknown, auth?: string) =>
    t.request(method, `/api/v2/${org}${path}`, { body, auth: auth ?? admin })

  beforeAll(async () => {
    t = await createTestApp()
    await t.request('POST', '/api/v2/orgs', { body: { id: org } })
    admin = await t.member(org, ['admin'])
  })
  afterAll(() => t?.close())

  it('adds, lists, changes and removes users', async () => {
    const email = `${unique('alice')}@example.com`.toLowerCase()
    const created = await req('POST', '/users', {
      email,
      name: 'Alice',
      password: 'password-123',
      roles: ['editor'],
    })
    expect(created.status).toBe(200)
    expect(created.body).toEqual({ code: 200, message: 'User saved', id: expect.any(String) })
    const alice = basic(email, 'password-123')
    expect((await t.request('GET', `/api/v2/${org}/reports`, { auth: alice })).status).toBe(200)

    const list = await req('GET', '/users')
    expect(list.body.list).toContainEqual({ email, name: 'Alice', roles: ['editor'] })

    const dup = await req('POST', '/users', { email, roles: ['viewer'] })
    expect(dup.status).toBe(409)

    expect((await req('PUT', `/users/${email}`, { roles: ['viewer'] })).status).toBe(200)
    const folder = await t.request('POST', `/api/v2/${org}/folders/reports`, {
      body: { name: unique('f') },
      auth: alice,
    })
    expect(folder.status).toBe(403)

    // A member of this org only: its admin may reset the password; the old one stops working.
    expect((await req('PUT', `/users/${email}`, { password: 'another-pass-1' })).status).toBe(200)
    expect((await t.request('GET', `/api/v2/${org}/reports`, { auth: alice })).status).toBe(401)

    expect((await req('DELETE', `/users/${email}`)).status).toBe(200)
    expect((await req('DELETE', `/users/${email}`)).status).toBe(404)
    const gone = basic(email, 'another-pass-1')
    expect((await t.request('GET', `/api/v2/${org}/reports`, { auth: gone })).status).toBe(403)
  })

  it('adds an existing user to another org without a password, keeping its credentials', async () => {
    const email = `${unique('bob')}@example.com`.toLowerCase()
    expect(
      (await req('POST', '/users', { email, password: 'password-123', roles: ['viewer'] })).status,
    ).toBe(200)
    const other = 'adm-other'
    await t.request('POST', '/api/v2/orgs', { body: { id: other } })
    const otherAdmin = await t.member(other, ['admin'])
    const added = await t.request('POST', `/api/v2/${other}/users`, {
      body: { email, roles: ['editor'] },
      auth: otherAdmin,
    })
    expect(added.status).toBe(200)
    const bob = basic(email, 'password-123')
    expect((await t.request('GET', `/api/v2/${other}/reports`, { auth: bob })).status).toBe(200)
    // Bob now belongs to two orgs: neither org's admin may change his password.
    const reset = await t.request('PUT', `/api/v2/${other}/users/${email}`, {
      body: { password: 'hijacked-123' },
      auth: otherAdmin,
    })
    expect(reset.status).toBe(403)
    expect((await t.request('GET', `/api/v2/${org}/reports`, { auth: bob })).status).toBe(200)
  })

  it('requires a password for new users and refuses the root user', async () => {
    const res = await req('POST', '/users', { email: 'new@example.com', roles: [] })
    expect(res.status).toBe(400)
    expect(res.body.fields).toEqual([{ name: 'password', description: expect.any(String) }])
    expect((await req('POST', '/users', { email: ROOT_EMAIL, roles: ['viewer'] })).status).toBe(403)
    expect((await req('PUT', `/users/${ROOT_EMAIL}`, { password: 'x'.repeat(12) })).status).toBe(
      403,
    )
  })

  it('refuses unknown roles in users and tokens, naming them', async () => {
    const user = await req('POST', '/users', {
      email: 'carol@example.com',
      password: 'password-123',
      roles: ['editor', 'wizard', 'ghost'],
    })
    expect(user.status).toBe(400)
    expect(user.body.fields).toEqual([
      { name: 'roles', description: 'Unknown role(s): wizard, ghost' },
    ])
    const token = await req('POST', '/tokens', { name: 'ci', roles: ['runner', 'wizard'] })
    expect(token.status).toBe(400)
    expect(token.body.message).toContain('wizard')
  })

  it('creates custom roles with permissions, and never changes built-in ones', async () => {
    const F = await makeFolder(t, org)
    expect((await req('POST', '/roles', { name: 'ops', inherits: ['viewer'] })).status).toBe(200)
    expect((await req('POST', '/roles', { name: 'ops' })).status).toBe(409)
    expect((await req('POST', '/roles', { name: 'editor' })).status).toBe(409)
    expect((await req('POST', '/roles', { name: 'bad name!' })).status).toBe(400)

    const perms = [
      { object: `rfolder:${F}`, actions: ['list', 'get', 'update'] },
      { object: 'dfolder:*', actions: ['list'] },
    ]
    expect((await req('PUT', '/roles/ops/permissions', perms)).status).toBe(200)
    expect((await req('GET', '/roles/ops/permissions')).body).toEqual(perms)
    const roles = await req('GET', '/roles')
    expect(roles.body.list).toEqual([
      { name: 'admin', builtin: true, inherits: [] },
      { name: 'editor', builtin: true, inherits: [] },
      { name: 'viewer', builtin: true, inherits: [] },
      { name: 'runner', builtin: true, inherits: [] },
      { name: 'ops', builtin: false, inherits: ['viewer'] },
    ])
    expect((await req('GET', '/roles/viewer/permissions')).body).toEqual([
      { object: 'rfolder:*', actions: ['list', 'get'] },
      { object: 'dfolder:*', actions: ['list', 'get'] },
    ])

    expect((await req('PUT', '/roles/editor/permissions', perms)).status).toBe(400)
    expect((await req('DELETE', '/roles/admin')).status).toBe(400)
    expect((await req('PUT', '/roles/nobody/permissions', perms)).status).toBe(404)
    const badObject = await req('PUT', '/roles/ops/permissions', [
      { object: 'reports', actions: ['list'] },
    ])
    expect(badObject.status).toBe(400)
    const missing = await req('PUT', '/roles/ops/permissions', [
      { object: 'rfolder:nope', actions: ['list'] },
    ])
    expect([missing.status, missing.body.message]).toEqual([
      400,
      'Folder(s) not found: rfolder:nope',
    ])
    const badAction = await req('PUT', '/roles/ops/permissions', [
      { object: `rfolder:${F}`, actions: ['fly'] },
    ])
    expect(badAction.status).toBe(400)
    // A failed save leaves the grants as they were.
    expect((await req('GET', '/roles/ops/permissions')).body).toEqual(perms)
  })

  it('deleting a role takes it from members and tokens', async () => {
    expect((await req('POST', '/roles', { name: 'temp' })).status).toBe(200)
    const email = `${unique('dave')}@example.com`.toLowerCase()
    await req('POST', '/users', { email, password: 'password-123', roles: ['temp', 'viewer'] })
    const token = await req('POST', '/tokens', { name: 'temp', roles: ['temp'] })
    expect(token.status).toBe(200)
    expect((await req('DELETE', '/roles/temp')).status).toBe(200)
    expect((await req('DELETE', '/roles/temp')).status).toBe(404)
    const member = (await req('GET', '/users')).body.list.find(
      (u: { email: string }) => u.email === email,
    )
    expect(member.roles).toEqual(['viewer'])
    const tokens = (await req('GET', '/tokens')).body.list
    expect(tokens.find((tk: { id: string }) => tk.id === token.body.id).roles).toEqual([])
    // Recreating the name grants nothing to those who held the old role.
    expect((await req('POST', '/roles', { name: 'temp' })).status).toBe(200)
    expect((await req('POST', '/tokens', { name: 'x', roles: ['temp'] })).status).toBe(200)
  })

  it('audits refusals, including callers from outside the org', async () => {
    const outsider = await t.member('adm-elsewhere', ['admin'])
    expect((await t.request('GET', `/api/v2/${org}/reports`, { auth: outsider })).status).toBe(403)
    const viewer = await t.member(org, ['viewer'])
    expect((await req('POST', '/roles', { name: 'nope' }, viewer)).status).toBe(403)
    const rows = await t.tdb.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.org, org), eq(auditLog.action, 'authz.denied')))
    expect(rows.map((r) => [r.target, (r.details as { action: string }).action])).toEqual(
      expect.arrayContaining([
        ['org', 'member'],
        ['org', 'create'],
      ]),
    )
  })

  it('deleting a folder drops the grants naming it', async () => {
    const F = await makeFolder(t, org)
    expect((await req('POST', '/roles', { name: 'scoped' })).status).toBe(200)
    await req('PUT', '/roles/scoped/permissions', [{ object: `rfolder:${F}`, actions: ['list'] }])
    expect((await req('DELETE', `/folders/reports/${F}`)).status).toBe(200)
    expect((await req('GET', '/roles/scoped/permissions')).body).toEqual([])
  })
})
