/** Per-call options. */
export interface CallOptions {
  /** Aborting it cancels the request; the promise rejects with the signal's reason (an AbortError). */
  signal?: AbortSignal
}

/** An upload source: a path, a file URL, or the bytes. */
export type FileInput = string | URL | Uint8Array

/**
 * The answer of a call. Typed getters come from the operation's declared fields and return them as
 * the core normalised them by declared type (undefined when absent or unreadable); `inspect` shows
 * the result with its secret fields redacted.
 */
export declare class Result {
  /** The part of the body the operation declares as its result (the whole body for RongCloud). */
  readonly data: any
  /** The whole JSON body. */
  readonly raw: any
  /** The X-Request-ID the call was sent with. */
  readonly requestId: string
  /** The host that answered. */
  readonly host: string
  readonly httpStatus: number
  /** A field of `data` by its wire name. */
  get(key: string): unknown
}

/** One item of a list result: typed getters as on `Result`, and `raw` (the item as sent). */
export declare class Item {
  readonly raw: any
}

/** A result whose data is a list. */
export declare class ListResult<I extends Item = Item> extends Result implements Iterable<I> {
  readonly items: I[]
  readonly length: number
  at(i: number): I | undefined
  [Symbol.iterator](): Iterator<I>
}

/** A finished download. */
export declare class DownloadResult {
  readonly requestId: string
  readonly host: string
  readonly httpStatus: number
  /** Bytes written. */
  readonly bytes: number
  readonly contentType: string | null
  /** The file, when no `dest` was given. */
  readonly data: Buffer | null
}

export declare class BaseClient {
  /** The configured hosts, primary first. */
  readonly hosts: string[]
  /** Call any catalogue operation by name with its parameters (snake_case wire-independent names). */
  call(operation: string, params?: Record<string, unknown>, options?: CallOptions): Promise<Result>
  /** Every page of a paged list operation by name, one call each: `for await (const page of client.pages(op, params))`. */
  pages(operation: string, params?: Record<string, unknown>, options?: CallOptions): AsyncGenerator<Result, void, undefined>
}
