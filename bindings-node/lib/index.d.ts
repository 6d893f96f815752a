import type { CallOptions, DownloadResult, FileInput, Item, ListResult, Result } from './base'
import type { EasemobOperations, RongCloudOperations } from './generated'
import * as errors from './errors'

export * from './base'
export * from './errors'
export * from './generated'
export { errors }

/** Settings every client takes. Durations are seconds. */
export interface ClientOptions {
  /** Base URLs, primary first (instead of `region`). */
  hosts?: string[]
  /** Time to connect to one host (default 5). */
  connectTimeout?: number
  /** Time for one attempt of a call, answer included (default 30). */
  requestTimeout?: number
  /** Time for one attempt of an upload or download (default 300). */
  transferTimeout?: number
  /** Attempts of one call across hosts and back-offs (default 5). */
  maxAttempts?: number
  /** Retries after a rate limit (default 3). */
  rateLimitRetries?: number
  /** First back-off after a rate limit without Retry-After (default 0.2, doubling). */
  backoffBase?: number
  /** Largest back-off without Retry-After (default 5). */
  backoffMax?: number
  /** A Retry-After longer than this is not waited for (default 30). */
  maxRetryAfter?: number
  /** How long a failed host is avoided (default 30, doubling per failure). */
  hostCooldown?: number
  /** Upper bound of the cooldown (default 300). */
  hostMaxCooldown?: number
  /** Idle pooled connections are closed after this (default 50). */
  poolIdleTimeout?: number
  /** A pooled connection is not reused after it has been open this long (default 50; RongCloud asks for under 60). */
  connectionMaxAge?: number
  /** Idle connections kept per host (default 32). */
  poolMaxIdlePerHost?: number
  /** Allow http:// hosts — only for the emulator (default false). */
  allowInsecureHttp?: boolean
  /** User-Agent header (default imcloud/<version>). */
  userAgent?: string
}

export interface RongCloudSettings extends ClientOptions {
  appKey: string
  appSecret: string
  /** beijing, singapore, singapore_b, north_america or saudi_arabia (instead of `hosts`). */
  region?: string
}

export interface EasemobSettings extends ClientOptions {
  /** `org_name#app_name`. */
  appKey: string
  clientId?: string
  clientSecret?: string
  agoraAppId?: string
  agoraAppCertificate?: string
  /** china1, china2, singapore1, singapore2, us_east1 or germany2 (instead of `hosts`). */
  region?: string
  /** Lifetime asked for app tokens, seconds. */
  tokenTtl?: number
}

export interface AgoraChatSettings extends ClientOptions {
  appKey: string
  appId: string
  appCertificate: string
  region?: string
  tokenTtl?: number
}

/** RongCloud Server API client. Every catalogue operation is a method returning a Promise. */
export declare class RongCloud extends RongCloudOperations {
  constructor(settings: RongCloudSettings)
  /** Check a server callback's signature (query or headers) in constant time, within `window` seconds;
   *  with `rejectReplays`, a callback already accepted within the window is refused as a replay. */
  verifyCallback(callback: {
    query?: Record<string, string>
    headers?: Record<string, string>
    window?: number
    rejectReplays?: boolean
  }): void
}

/** Easemob / Agora Chat REST client. */
export declare class Easemob extends EasemobOperations {
  constructor(settings: EasemobSettings)
  appToken(): Promise<string>
  readonly tokenFetches: number
  chatUserToken(userUuid: string, ttl?: number): string
}

/** Agora Chat: an Easemob client authenticated with the App ID and App Certificate. */
export declare class AgoraChat extends Easemob {
  constructor(settings: AgoraChatSettings)
}

/** The endpoint catalogue of `"rongcloud"` or `"easemob"`. */
export declare function catalogue(cloud: 'rongcloud' | 'easemob'): { cloud: string; doc: string; operations: any[] }
/** `hex(sha1(appSecret + nonce + timestamp))`. */
export declare function rongcloudSignature(appSecret: string, nonce: string, timestamp: string): string
export type { CallOptions, DownloadResult, FileInput, Item, ListResult, Result }
