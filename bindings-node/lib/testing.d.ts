import type { AgoraChat, ClientOptions, Easemob, RongCloud } from './index'

export type FaultKind = 'refuse' | 'hang' | 'status' | 'rate_limit' | 'quota_exceeded' | 'delay' | 'reset' | 'truncate' | 'garbage'

export interface FaultOptions {
  /** How many requests it affects (default: until cleared). */
  times?: number
  /** For `status` (default 500). */
  status?: number
  /** For `rate_limit`: the Retry-After seconds. */
  retryAfter?: number
  /** For `delay` (default 1000). */
  ms?: number
  /** Only requests whose path contains this. */
  pathContains?: string
}

/** A local emulator of the RongCloud and Easemob / Agora Chat server APIs. */
export declare class Emulator {
  constructor(options?: {
    hosts?: number
    rongcloud?: { appKey: string; appSecret: string }[]
    easemob?: { appKey: string; clientId: string; clientSecret: string; agoraAppId?: string; agoraAppCertificate?: string; tokenTtl?: number }[]
    /** Fixed ports of the hosts, primary first (default: free ports). */
    ports?: number[]
    /** The address to listen on (default 127.0.0.1). */
    bind?: string
    /** The port of the admin API (default: a free port). */
    adminPort?: number
  })
  /** Base URLs, primary first. */
  readonly hosts: string[]
  /** The admin HTTP API, for processes in other languages. */
  readonly adminUrl: string
  setFault(host: number, kind: FaultKind, options?: FaultOptions): void
  clearFaults(host?: number): void
  requests(host: number): Array<{ host: number; method: string; path: string; query: string; operation: string | null; request_id: string | null; headers: [string, string][]; body: string; at_ms: number }>
  requestCount(host: number, operation?: string): number
  clearRequests(): void
  setOnline(user: string, online?: boolean): void
  sentMessages(): Array<Record<string, any>>
  revokeTokens(): void
  clientConfig(kind: 'rongcloud' | 'easemob' | 'agora'): Record<string, unknown>
  rongcloud(options?: ClientOptions): RongCloud
  easemob(options?: ClientOptions): Easemob
  agora(options?: ClientOptions): AgoraChat
  stop(): void
}
