/**
 * Admits work by its size: a task starts while the bytes of the tasks running stay under a
 * ceiling, else it waits its turn (first come, first served). A task larger than the ceiling runs
 * alone rather than never.
 */
export class ByteBudget {
  private inFlight = 0
  private readonly waiting: { bytes: number; start: () => void }[] = []

  constructor(private readonly maxBytes: number) {}

  async run<T>(bytes: number, task: () => Promise<T>): Promise<T> {
    await this.admit(bytes)
    try {
      return await task()
    } finally {
      this.inFlight -= bytes
      this.next()
    }
  }

  /** Bytes of the tasks running now. */
  get bytesInFlight(): number {
    return this.inFlight
  }

  private fits(bytes: number): boolean {
    return this.inFlight === 0 || this.inFlight + bytes <= this.maxBytes
  }

  private admit(bytes: number): Promise<void> {
    if (this.waiting.length === 0 && this.fits(bytes)) {
      this.inFlight += bytes
      return Promise.resolve()
    }
    return new Promise((resolve) => {
      this.waiting.push({
        bytes,
        start: () => {
          this.inFlight += bytes
          resolve()
        },
      })
    })
  }

  private next(): void {
    for (let w = this.waiting[0]; w && this.fits(w.bytes); w = this.waiting[0]) {
      this.waiting.shift()
      w.start()
    }
  }
}
