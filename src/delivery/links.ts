import { createHmac, timingSafeEqual } from 'node:crypto'

/** Public prefix of signed download links; mounted outside /api (no credentials needed). */
export const DOWNLOAD_PREFIX = '/dl'

export interface SignedOutputRef {
  org: string
  runId: string
  index: number
}

/**
 * Signs and checks expiring links to run outputs, for attachments too large to send. The link
 * is the credential, so it names exactly one output and carries its own expiry.
 */
export class LinkSigner {
  private readonly key: Buffer

  constructor(secret: string) {
    if (!secret) throw new Error('LinkSigner needs a secret')
    // A key of its own, so a signature made here is worth nothing to any other use of the secret.
    this.key = createHmac('sha256', secret).update('herald:download-link:v1').digest()
  }

  private mac(ref: SignedOutputRef, expires: number): Buffer {
    return createHmac('sha256', this.key)
      .update(`${ref.org}\n${ref.runId}\n${ref.index}\n${expires}`)
      .digest()
  }

  /** `{publicUrl}/dl/{org}/{run}/{n}?expires=<unix s>&sig=…`, valid until `expiresAtMs`. */
  url(publicUrl: string, ref: SignedOutputRef, expiresAtMs: number): string {
    const expires = Math.floor(expiresAtMs / 1000)
    const sig = this.mac(ref, expires).toString('base64url')
    const p = [ref.org, ref.runId, String(ref.index)].map(encodeURIComponent).join('/')
    return `${publicUrl}${DOWNLOAD_PREFIX}/${p}?expires=${expires}&sig=${sig}`
  }

  /** True only for an untampered link whose expiry is still ahead of `nowMs`. */
  verify(
    ref: SignedOutputRef,
    expires: string | undefined,
    sig: string | undefined,
    nowMs: number,
  ): boolean {
    if (!expires || !sig || !/^\d{1,12}$/.test(expires)) return false
    const given = Buffer.from(sig, 'base64url')
    const want = this.mac(ref, Number(expires))
    if (given.length !== want.length || !timingSafeEqual(given, want)) return false
    return Number(expires) * 1000 > nowMs
  }
}
