'use strict'
// The peer benchmark's Node clients (issue 11; run by benches/peers/run.sh).
//
//   node client.js KIND URL CONCURRENCY SECS WARMUP
//
// KIND: imcloud (the release addon staged by run.sh, path in IMCLOUD_NODE_PKG), imcloud-pool64
// (the same with poolMaxIdlePerHost 64 instead of the default 32), official
// (npm rongcloud-sdk, resolved through NODE_PATH). CONCURRENCY async loops each await one getToken
// at a time. Prints one JSON line like `peers raw|rust` (calls in the measured window after the
// warm-up, p50/p99, process CPU time per call, peak RSS).
const fs = require('node:fs')

const [kind, url, cArg, secsArg, warmupArg] = process.argv.slice(2)
const c = Number(cArg)
const secs = Number(secsArg)
const warmup = Number(warmupArg)

function makeCall() {
  if (kind === 'official') {
    const sdk = require('rongcloud-sdk')({ appkey: 'bench-key', secret: 'bench-secret', api: url })
    return async () => {
      const r = await sdk.User.register({ id: 'u1', name: 'n', portrait: 'http://x/p.png' })
      return r && r.code === 200
    }
  }
  if (kind === 'imcloud' || kind === 'imcloud-pool64') {
    const { RongCloud } = require(process.env.IMCLOUD_NODE_PKG)
    const options = { appKey: 'bench-key', appSecret: 'bench-secret', hosts: [url], allowInsecureHttp: true }
    if (kind === 'imcloud-pool64') options.poolMaxIdlePerHost = 64
    const rc = new RongCloud(options)
    return async () => (await rc.userRegister({ userId: 'u1', name: 'n' })).token === 't'
  }
  throw new Error(`unknown client ${kind}`)
}

const cpuUs = () => {
  const u = process.cpuUsage()
  return u.user + u.system
}

const peakRssKib = () => {
  const m = /VmHWM:\s+(\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))
  return m ? Number(m[1]) : 0
}

const sleepUntil = (t) => new Promise((r) => setTimeout(r, Math.max(0, t - performance.now())))

async function main() {
  const call = makeCall()
  const start = performance.now() + warmup * 1000
  const end = start + secs * 1000
  const worker = async () => {
    const lats = []
    let errors = 0
    for (;;) {
      const t0 = performance.now()
      if (t0 >= end) break
      let ok
      try {
        ok = await call()
      } catch {
        ok = false
      }
      const t1 = performance.now()
      if (t0 >= start && t1 <= end) {
        if (ok) lats.push(Math.round((t1 - t0) * 1000))
        else errors++
      }
    }
    return [lats, errors]
  }
  const workers = Array.from({ length: c }, worker)
  await sleepUntil(start)
  const cpu0 = cpuUs()
  await sleepUntil(end)
  const cpu1 = cpuUs()
  const results = await Promise.all(workers)
  const lats = results.flatMap((r) => r[0]).sort((a, b) => a - b)
  const errors = results.reduce((s, r) => s + r[1], 0)
  const pct = (p) => (lats.length ? lats[Math.min(Math.floor(lats.length * p), lats.length - 1)] : 0)
  const n = lats.length
  console.log(
    JSON.stringify({
      client: kind,
      concurrency: c,
      secs,
      calls: n,
      errors,
      calls_per_s: n / secs,
      p50_us: pct(0.5),
      p99_us: pct(0.99),
      cpu_us_per_call: n ? (cpu1 - cpu0) / n : 0,
      peak_rss_kib: peakRssKib(),
    }),
  )
  process.exit(0)
}

main()
