/** How much hook output a result or progress report carries. */
export const OUTPUT_TAIL_BYTES = 4096;

/** Keeps the last `limit` bytes of everything appended: the `output_tail` of a command. */
export class OutputTail {
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly limit = OUTPUT_TAIL_BYTES) {}

  append(chunk: Buffer | string): void {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    this.chunks.push(buffer);
    this.size += buffer.length;
    // Compact once the buffered bytes are well past the limit, not on every append.
    if (this.size > this.limit * 2) this.compact();
  }

  toString(): string {
    this.compact();
    return this.chunks[0]?.toString('utf8') ?? '';
  }

  private compact(): void {
    const all = Buffer.concat(this.chunks);
    const tail = all.subarray(Math.max(0, all.length - this.limit));
    this.chunks = tail.length > 0 ? [Buffer.from(tail)] : [];
    this.size = tail.length;
  }
}
