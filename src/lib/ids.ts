import KSUID from 'ksuid'

/** 27-character, time-ordered ids for reports, runs, folders, dashboards, tokens. */
export function newId(): string {
  return KSUID.randomSync().string
}

export const ORG_ID_RE = /^[a-zA-Z0-9_-]{1,64}$/
export const KSUID_RE = /^[0-9A-Za-z]{27}$/
