import { createHmac, timingSafeEqual } from 'node:crypto'

/** Public prefix of signed download links; mounted outside /api (no credentials needed). */
export const DOWNLOAD_PREFIX = '/dl'

export interface SignedOutputRef {
  org: string
  runId: string
  index: number
}

export interface SignedRunRef {
  org: string
  runId: string
}

/** What checking a signed link found: only `valid` opens anything. */
export type LinkCheck = 'valid' | 'invalid' | 'expired'

/**
 * Signs and checks expiring links: to one run output (attachments too large to send) and to a
 * run's page (the "View this run" link of an email). The link is the credential, so it names
 * exactly one thing and carries its own expiry.
 */
export class LinkSigner {
  private readonly outputKey: Buffer
  private readonly runKey: Buffer

  constructor(secret: string) {
    if (!secret) throw new Error('LinkSigner needs a secret')
    // A key per kind of link, so a signature made for one is worth nothing to the other, or to
    // any other use of the secret.
    this.outputKey = createHmac('sha256', secret).update('herald:download-link:v1').digest()
    this.runKey = createHmac('sha256', secret).update('herald:run-page-link:v1').digest()
  }

  private outputMac(ref: SignedOutputRef, expires: number): Buffer {
    return createHmac('sha256', this.outputKey)
      .update(`${ref.org}\n${ref.runId}\n${ref.index}\n${expires}`)
      .digest()
  }

  private runMac(ref: SignedRunRef, expires: number): Buffer {
    return createHmac('sha256', this.runKey).update(`${ref.org}\n${ref.runId}\n${expires}`).digest()
  }

  /** `{publicUrl}/dl/{org}/{run}/{n}?expires=<unix s>&sig=…`, valid until `expiresAtMs`. */
  url(publicUrl: string, ref: SignedOutputRef, expiresAtMs: number): string {
    const expires = Math.floor(expiresAtMs / 1000)
    const sig = this.outputMac(ref, expires).toString('base64url')
    const p = [ref.org, ref.runId, String(ref.index)].map(encodeURIComponent).join('/')
    return `${publicUrl}${DOWNLOAD_PREFIX}/${p}?expires=${expires}&sig=${sig}`
  }

  /**
   * The one way to build a run's URL for people: `{publicUrl}/dl/{org}/{run}?expires=…&sig=…`,
   * the run's page, which opens in a browser without credentials until `expiresAtMs`.
   */
  runUrl(publicUrl: string, ref: SignedRunRef, expiresAtMs: number): string {
    const expires = Math.floor(expiresAtMs / 1000)
    const sig = this.runMac(ref, expires).toString('base64url')
    const p = [ref.org, ref.runId].map(encodeURIComponent).join('/')
    return `${publicUrl}${DOWNLOAD_PREFIX}/${p}?expires=${expires}&sig=${sig}`
  }

  /** True only for an untampered output link whose expiry is still ahead of `nowMs`. */
  verify(
    ref: SignedOutputRef,
    expires: string | undefined,
    sig: string | undefined,
    nowMs: number,
  ): boolean {
    return check((e) => this.outputMac(ref, e), expires, sig, nowMs) === 'valid'
  }

  /** A run page link: `expired` only when the signature holds (an expiry cannot be forged). */
  checkRun(
    ref: SignedRunRef,
    expires: string | undefined,
    sig: string | undefined,
    nowMs: number,
  ): LinkCheck {
    return check((e) => this.runMac(ref, e), expires, sig, nowMs)
  }
}

function check(
  mac: (expires: number) => Buffer,
  expires: string | undefined,
  sig: string | undefined,
  nowMs: number,
): LinkCheck {
  if (!expires || !sig || !/^\d{1,12}$/.test(expires)) return 'invalid'
  const given = Buffer.from(sig, 'base64url')
  const want = mac(Number(expires))
  if (given.length !== want.length || !timingSafeEqual(given, want)) return 'invalid'
  return Number(expires) * 1000 > nowMs ? 'valid' : 'expired'
}
