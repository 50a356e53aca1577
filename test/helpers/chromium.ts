/** Debian's Chromium; the tests never download a browser. */
export const CHROMIUM = process.env.HERALD_CHROMIUM ?? '/usr/bin/chromium'

/** As root in a container: no sandbox; nothing that reaches the network on its own. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
]
