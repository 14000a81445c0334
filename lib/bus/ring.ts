/**
 * A growable ring buffer of frames, addressed by an ever-increasing sequence number.
 *
 * Capacity doubles as needed up to the history bound and never shrinks, so steady-state pushes
 * and evictions allocate nothing.
 *
 * @module
 */

/** A first-in, first-out buffer whose entries keep their sequence numbers. */
export class Ring<T> {
  #slots: (T | undefined)[] = new Array(8);
  #mask = 7;
  #start = 0;
  #end = 0;

  /** Sequence number of the oldest entry. */
  get start(): number {
    return this.#start;
  }

  /** Sequence number the next entry will get. */
  get end(): number {
    return this.#end;
  }

  /** Entries held. */
  get size(): number {
    return this.#end - this.#start;
  }

  /** The entry with sequence number `seq`, if held. */
  at(seq: number): T | undefined {
    if (seq < this.#start || seq >= this.#end) return undefined;
    return this.#slots[seq & this.#mask];
  }

  /** Appends an entry. */
  push(value: T): void {
    if (this.size === this.#slots.length) this.#grow();
    this.#slots[this.#end & this.#mask] = value;
    this.#end++;
  }

  /** Removes and returns the oldest entry. */
  shift(): T | undefined {
    if (this.#start === this.#end) return undefined;
    const index = this.#start & this.#mask;
    const value = this.#slots[index];
    this.#slots[index] = undefined;
    this.#start++;
    return value;
  }

  #grow(): void {
    const slots: (T | undefined)[] = new Array(this.#slots.length * 2);
    const mask = slots.length - 1;
    for (let seq = this.#start; seq < this.#end; seq++) {
      slots[seq & mask] = this.#slots[seq & this.#mask];
    }
    this.#slots = slots;
    this.#mask = mask;
  }
}
