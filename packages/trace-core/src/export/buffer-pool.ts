/** Packet buffers of one size kept for reuse, so a steady stream of packets allocates none. */
export class BufferPool {
  private readonly free: Buffer[] = [];

  constructor(
    readonly size: number,
    private readonly keep = 4,
  ) {}

  /** A buffer of at least `minSize` bytes (the pooled size unless more is needed). */
  take(minSize: number): Buffer {
    const pooled = this.free.pop();
    if (pooled !== undefined && pooled.length >= minSize) return pooled;
    return Buffer.allocUnsafe(Math.max(this.size, minSize));
  }

  /** Returns a buffer once its bytes were sent; buffers of another size are left to the GC. */
  give(buf: Buffer): void {
    if (buf.length === this.size && this.free.length < this.keep) this.free.push(buf);
  }
}
