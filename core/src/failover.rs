//! Host failover and retry as a small pure state machine: no I/O, time passed in, so every rule is
//! unit-tested without a network.
//!
//! Rules:
//! - A connect failure means nothing was sent: the call moves to the next host, whatever it is.
//! - A timeout or a connection lost after sending, a garbled answer, or a 5xx means the server may
//!   have processed the call: it moves to the next host only if the call is idempotent.
//! - Those failures also put the host in cooldown (doubling per consecutive failure, capped); calls
//!   try healthy hosts first, in configured order, so the primary is preferred once it is healthy.
//! - When a cooldown ends, one call at a time probes the host (half-open); success restores it.
//! - 429 / rate-limit codes were rejected unprocessed: the same host is retried after a bounded
//!   back-off that honours Retry-After.
//! - A rejected token (401) is refreshed and the call retried once.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::runtime::PerProcess;

/// How hosts are cooled down after failures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailoverPolicy {
    /// Cooldown after the first failure; doubles with each further outage of the same host.
    pub cooldown: Duration,
    /// Upper bound of the cooldown.
    pub max_cooldown: Duration,
}

impl Default for FailoverPolicy {
    fn default() -> Self {
        FailoverPolicy {
            cooldown: Duration::from_secs(30),
            max_cooldown: Duration::from_secs(300),
        }
    }
}

#[derive(Debug, Clone, Default)]
struct Health {
    /// Failures counted against the host since it last answered; concurrent failures of one
    /// outage count once.
    consecutive_failures: u32,
    down_until: Option<Instant>,
    probe_started: Option<Instant>,
    /// When the host was last marked down: failures of attempts started before this belong to
    /// the outage already counted.
    marked_down_at: Option<Instant>,
}

/// The order in which one call tries the hosts, and the probes it holds (cooled-down hosts it
/// may try first since their cooldown ended). Give it back with [`HostPool::release`] when the
/// call ends, so that a probe which was cancelled or never used is free for the next call at
/// once instead of after its lease.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Indexes into [`HostPool::hosts`], in the order to try them.
    pub order: Vec<usize>,
    probes: Vec<(usize, Instant)>,
}

/// The hosts of one client and their health. Shared by all concurrent calls of that client.
#[derive(Debug)]
pub struct HostPool {
    hosts: Vec<String>,
    /// Per process: a child of fork() starts with fresh health rather than a lock another
    /// thread of the parent may have held.
    health: PerProcess<Mutex<Vec<Health>>>,
    policy: FailoverPolicy,
    /// How long a probe may be out before another call may probe the same host: the longest
    /// one attempt can take (connect + request timeout), so a hung probe does not hold the host
    /// out for longer than it can last.
    probe_lease: Duration,
}

impl HostPool {
    pub fn new(hosts: Vec<String>, policy: FailoverPolicy, probe_lease: Duration) -> Self {
        let n = hosts.len();
        let health = PerProcess::new(move || Mutex::new(vec![Health::default(); n]));
        HostPool {
            hosts,
            health,
            policy,
            probe_lease,
        }
    }

    pub fn hosts(&self) -> &[String] {
        &self.hosts
    }

    fn with<R>(&self, f: impl FnOnce(&mut Vec<Health>) -> R) -> R {
        let health = self.health.get();
        let mut g = health.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut g)
    }

    /// The order in which one call should try the hosts: usable hosts in configured order, then
    /// the cooling ones, soonest-to-recover first. A host whose cooldown has ended is usable by
    /// one call at a time (the probe) until that call reports back or releases its plan.
    pub fn plan(&self, now: Instant) -> Plan {
        self.with(|health| self.plan_in(health, now))
    }

    fn plan_in(&self, health: &mut [Health], now: Instant) -> Plan {
        let mut usable = Vec::new();
        let mut probes = Vec::new();
        let mut cooling: Vec<(Instant, usize)> = Vec::new();
        for (i, h) in health.iter_mut().enumerate() {
            match h.down_until {
                None => usable.push(i),
                Some(until) if until > now => cooling.push((until, i)),
                Some(until) => {
                    let probing = h
                        .probe_started
                        .is_some_and(|t| now < t.checked_add(self.probe_lease).unwrap_or(t));
                    if probing {
                        cooling.push((until, i));
                    } else {
                        h.probe_started = Some(now);
                        probes.push((i, now));
                        usable.push(i);
                    }
                }
            }
        }
        cooling.sort();
        usable.extend(cooling.into_iter().map(|(_, i)| i));
        Plan {
            order: usable,
            probes,
        }
    }

    /// The call holding `plan` ended (answered, failed or cancelled): its probes that were not
    /// reported on are free again.
    pub fn release(&self, plan: &Plan) {
        if plan.probes.is_empty() {
            return;
        }
        self.with(|health| {
            for &(i, taken) in &plan.probes {
                if let Some(h) = health.get_mut(i)
                    && h.probe_started == Some(taken)
                {
                    h.probe_started = None;
                }
            }
        })
    }

    /// The call reached `idx` and got a usable answer.
    pub fn record_success(&self, idx: usize) {
        self.with(|health| {
            if let Some(h) = health.get_mut(idx) {
                *h = Health::default();
            }
        })
    }

    /// An attempt on `idx` that started at `started` failed at `now` in a way that says the host
    /// is unhealthy. Attempts that were already under way when the host was marked down belong
    /// to that outage and do not lengthen the cooldown: only a failure of an attempt started
    /// afterwards (the probe, or a call with no other host left) counts as a further failure.
    pub fn record_failure(&self, idx: usize, started: Instant, now: Instant) {
        self.with(|health| {
            let Some(h) = health.get_mut(idx) else { return };
            if h.down_until.is_some() && h.marked_down_at.is_some_and(|at| started < at) {
                return;
            }
            h.consecutive_failures = h.consecutive_failures.saturating_add(1);
            let factor = 1u32 << (h.consecutive_failures - 1).min(16);
            let cooldown = self
                .policy
                .cooldown
                .saturating_mul(factor)
                .min(self.policy.max_cooldown);
            h.down_until = Some(now.checked_add(cooldown).unwrap_or(now));
            h.marked_down_at = Some(now);
            h.probe_started = None;
        })
    }

    /// Whether `idx` is cooling down at `now`.
    pub fn is_cooling(&self, idx: usize, now: Instant) -> bool {
        self.with(|health| {
            health
                .get(idx)
                .and_then(|h| h.down_until)
                .is_some_and(|t| t > now)
        })
    }
}

/// What one attempt came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// A usable answer (success, or an error answer handled elsewhere as `Rejected`).
    Success,
    /// Could not connect; nothing was sent.
    ConnectFailed,
    /// Sent, but no complete answer: timed out, connection lost, or the body was garbled.
    NoAnswer { timed_out: bool },
    /// 5xx, or the API's internal-error code.
    ServerError,
    /// 429 / rate-limit code: not processed.
    RateLimited { retry_after: Option<Duration> },
    /// The bearer token was rejected.
    Unauthorized,
    /// A definitive error answer (4xx, API error): returned as is.
    Rejected,
}

impl Outcome {
    /// Whether this outcome puts the host in cooldown.
    pub fn host_failed(self) -> bool {
        matches!(
            self,
            Outcome::ConnectFailed | Outcome::NoAnswer { .. } | Outcome::ServerError
        )
    }

    /// Whether the server may have processed the call.
    pub fn may_have_been_processed(self) -> bool {
        matches!(self, Outcome::NoAnswer { .. } | Outcome::ServerError)
    }
}

/// Limits on retries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts of one call in all, across hosts and back-offs.
    pub max_attempts: u32,
    /// Retries after rate limiting.
    pub rate_limit_retries: u32,
    /// First back-off after a rate limit without Retry-After; doubles each time.
    pub backoff_base: Duration,
    /// Largest back-off we wait without Retry-After.
    pub backoff_max: Duration,
    /// A Retry-After longer than this is not waited for: the error is returned at once.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            rate_limit_retries: 3,
            backoff_base: Duration::from_millis(200),
            backoff_max: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(30),
        }
    }
}

/// Where a call stands after an attempt.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Attempt {
    /// Attempts made so far, this one included.
    pub attempts: u32,
    /// Rate-limit retries made so far.
    pub rate_limited: u32,
    pub idempotent: bool,
    /// Whether the token was already refreshed for this call.
    pub token_refreshed: bool,
    /// Whether another host remains in this call's plan.
    pub hosts_left: bool,
    /// Whether the body can be sent again (false for a one-shot stream that was consumed).
    pub body_replayable: bool,
    /// A number in [0.5, 1] scaling the back-off, so that clients do not retry in lockstep.
    pub jitter: f64,
}

/// What to do next.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Decision {
    /// Return this attempt's answer or error.
    Done,
    /// Send again on the next host of the plan.
    NextHost,
    /// Send again on the same host after waiting.
    SameHostAfter(Duration),
    /// Refresh the token, then send again on the same host.
    RefreshTokenAndRetry,
    /// Stop and return this attempt's error.
    GiveUp,
}

/// Decide what follows an attempt's outcome.
pub fn decide(policy: &RetryPolicy, outcome: Outcome, a: &Attempt) -> Decision {
    match outcome {
        Outcome::Success | Outcome::Rejected => return Decision::Done,
        _ if a.attempts >= policy.max_attempts || !a.body_replayable => return Decision::GiveUp,
        _ => {}
    }
    match outcome {
        Outcome::ConnectFailed if a.hosts_left => Decision::NextHost,
        Outcome::NoAnswer { .. } | Outcome::ServerError if a.idempotent && a.hosts_left => {
            Decision::NextHost
        }
        Outcome::RateLimited { retry_after } if a.rate_limited < policy.rate_limit_retries => {
            let wait = match retry_after {
                Some(d) if d > policy.max_retry_after => return Decision::GiveUp,
                Some(d) => d,
                None => {
                    let exp = policy
                        .backoff_base
                        .saturating_mul(1u32 << a.rate_limited.min(16));
                    exp.min(policy.backoff_max)
                        .mul_f64(a.jitter.clamp(0.5, 1.0))
                }
            };
            Decision::SameHostAfter(wait)
        }
        Outcome::Unauthorized if !a.token_refreshed => Decision::RefreshTokenAndRetry,
        _ => Decision::GiveUp,
    }
}

/// The longest Retry-After taken as given; larger values (a server's `1e20`) are read as this,
/// which is beyond any `max_retry_after`, so the error is returned at once.
pub const RETRY_AFTER_CAP: Duration = Duration::from_secs(86_400);

/// Parse a Retry-After header given in seconds (integer or decimal). Server-supplied, so any
/// text gives a bounded answer, never a panic: huge values saturate at [`RETRY_AFTER_CAP`].
pub fn parse_retry_after(v: &str) -> Option<Duration> {
    let secs: f64 = v.trim().parse().ok()?;
    if secs.is_nan() || secs < 0.0 {
        return None;
    }
    Some(Duration::try_from_secs_f64(secs).map_or(RETRY_AFTER_CAP, |d| d.min(RETRY_AFTER_CAP)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool(n: usize) -> HostPool {
        HostPool::new(
            (0..n).map(|i| format!("h{i}")).collect(),
            FailoverPolicy::default(),
            Duration::from_secs(30),
        )
    }

    fn attempt() -> Attempt {
        Attempt {
            attempts: 1,
            rate_limited: 0,
            idempotent: false,
            token_refreshed: false,
            hosts_left: true,
            body_replayable: true,
            jitter: 1.0,
        }
    }

    #[test]
    fn healthy_hosts_in_configured_order() {
        let p = pool(3);
        assert_eq!(p.plan(Instant::now()).order, vec![0, 1, 2]);
    }

    #[test]
    fn failed_host_goes_last_for_its_cooldown_then_is_probed_once() {
        let p = pool(2);
        let t0 = Instant::now();
        p.record_failure(0, t0, t0);
        assert!(p.is_cooling(0, t0));
        assert_eq!(p.plan(t0 + Duration::from_secs(29)).order, vec![1, 0]);
        // cooldown over: the first call probes the primary first …
        let t1 = t0 + Duration::from_secs(31);
        assert_eq!(p.plan(t1).order, vec![0, 1]);
        // … while that probe is out, other calls keep avoiding it
        assert_eq!(p.plan(t1).order, vec![1, 0]);
        // the probe succeeds: primary preferred again by everyone
        p.record_success(0);
        assert_eq!(p.plan(t1).order, vec![0, 1]);
        assert_eq!(p.plan(t1).order, vec![0, 1]);
    }

    #[test]
    fn failed_probe_doubles_the_cooldown_up_to_the_cap() {
        let p = pool(2);
        let t0 = Instant::now();
        p.record_failure(0, t0, t0);
        let t1 = t0 + Duration::from_secs(31);
        assert_eq!(p.plan(t1).order[0], 0);
        p.record_failure(0, t1, t1);
        assert_eq!(p.plan(t1 + Duration::from_secs(59)).order, vec![1, 0]);
        assert_eq!(p.plan(t1 + Duration::from_secs(61)).order, vec![0, 1]);
        for _ in 0..20 {
            p.record_failure(0, t1, t1);
        }
        assert!(p.is_cooling(0, t1 + Duration::from_secs(299)));
        assert!(!p.is_cooling(0, t1 + Duration::from_secs(301)));
    }

    #[test]
    fn abandoned_probe_is_released_after_the_lease() {
        let p = pool(2);
        let t0 = Instant::now();
        p.record_failure(0, t0, t0);
        let t1 = t0 + Duration::from_secs(31);
        assert_eq!(p.plan(t1).order, vec![0, 1]); // probe taken, never reported
        assert_eq!(p.plan(t1 + Duration::from_secs(10)).order, vec![1, 0]);
        assert_eq!(p.plan(t1 + Duration::from_secs(31)).order, vec![0, 1]);
    }

    #[test]
    fn one_outage_counts_once_however_many_calls_were_in_flight() {
        let p = pool(2);
        let t0 = Instant::now();
        // 16 calls were in flight on the primary when it hung; their failures arrive one by one
        let failed_at = t0 + Duration::from_secs(2);
        for k in 0..16 {
            p.record_failure(0, t0, failed_at + Duration::from_millis(k * 10));
        }
        // one outage: the first cooldown (30 s), not 30 s doubled 15 times
        let after = failed_at + Duration::from_secs(31);
        assert_eq!(p.plan(after).order, vec![0, 1]);
        // the probe (started after the host was marked down) fails: that is a second failure
        p.record_failure(0, after, after + Duration::from_secs(1));
        let t2 = after + Duration::from_secs(1);
        assert!(p.is_cooling(0, t2 + Duration::from_secs(59)));
        assert!(!p.is_cooling(0, t2 + Duration::from_secs(61)));
    }

    #[test]
    fn a_released_probe_is_free_for_the_next_call_at_once() {
        let p = pool(2);
        let t0 = Instant::now();
        p.record_failure(0, t0, t0);
        let t1 = t0 + Duration::from_secs(31);
        let cancelled = p.plan(t1);
        assert_eq!(cancelled.order, vec![0, 1]);
        assert_eq!(p.plan(t1).order, vec![1, 0]); // the probe is out
        p.release(&cancelled); // the call was cancelled before it reported
        let next = p.plan(t1);
        assert_eq!(next.order, vec![0, 1]);
        // releasing after a report changes nothing: the report already settled the host
        p.record_success(0);
        p.release(&next);
        assert_eq!(p.plan(t1).order, vec![0, 1]);
        // a stale release does not free a probe another call holds now
        p.record_failure(0, t1, t1);
        let t2 = t1 + Duration::from_secs(61);
        let holder = p.plan(t2);
        p.release(&cancelled);
        assert_eq!(p.plan(t2).order, vec![1, 0]);
        p.release(&holder);
    }

    #[test]
    fn the_probe_lease_is_the_attempt_timeout() {
        let p = HostPool::new(
            vec!["a".into(), "b".into()],
            FailoverPolicy::default(),
            Duration::from_secs(5),
        );
        let t0 = Instant::now();
        p.record_failure(0, t0, t0);
        let t1 = t0 + Duration::from_secs(31);
        let _hung = p.plan(t1);
        assert_eq!(p.plan(t1 + Duration::from_secs(4)).order, vec![1, 0]);
        assert_eq!(p.plan(t1 + Duration::from_secs(6)).order, vec![0, 1]);
    }

    #[test]
    fn all_hosts_down_still_gives_a_plan() {
        let p = pool(2);
        let t0 = Instant::now();
        p.record_failure(1, t0, t0);
        p.record_failure(0, t0 + Duration::from_secs(1), t0 + Duration::from_secs(1));
        assert_eq!(p.plan(t0 + Duration::from_secs(2)).order, vec![1, 0]);
    }

    #[test]
    fn pool_is_safe_under_concurrent_use() {
        let p = std::sync::Arc::new(pool(3));
        let threads: Vec<_> = (0..8)
            .map(|i| {
                let p = p.clone();
                std::thread::spawn(move || {
                    for _ in 0..1000 {
                        let plan = p.plan(Instant::now()).order;
                        assert_eq!(plan.len(), 3);
                        if i % 2 == 0 {
                            p.record_failure(plan[0], Instant::now(), Instant::now());
                        } else {
                            p.record_success(plan[0]);
                        }
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        let mut plan = p.plan(Instant::now()).order;
        plan.sort();
        assert_eq!(plan, vec![0, 1, 2]);
    }

    #[test]
    fn connect_failure_moves_on_even_when_not_idempotent() {
        let d = decide(&RetryPolicy::default(), Outcome::ConnectFailed, &attempt());
        assert_eq!(d, Decision::NextHost);
        let last = Attempt {
            hosts_left: false,
            ..attempt()
        };
        assert_eq!(
            decide(&RetryPolicy::default(), Outcome::ConnectFailed, &last),
            Decision::GiveUp
        );
    }

    #[test]
    fn maybe_processed_is_resent_only_when_idempotent() {
        let r = RetryPolicy::default();
        for o in [
            Outcome::NoAnswer { timed_out: true },
            Outcome::NoAnswer { timed_out: false },
            Outcome::ServerError,
        ] {
            assert_eq!(decide(&r, o, &attempt()), Decision::GiveUp, "{o:?}");
            let idem = Attempt {
                idempotent: true,
                ..attempt()
            };
            assert_eq!(decide(&r, o, &idem), Decision::NextHost, "{o:?}");
            assert!(o.host_failed() && o.may_have_been_processed());
        }
        assert!(
            Outcome::ConnectFailed.host_failed()
                && !Outcome::ConnectFailed.may_have_been_processed()
        );
    }

    #[test]
    fn rate_limit_backs_off_on_the_same_host_within_bounds() {
        let r = RetryPolicy::default();
        let a = attempt();
        assert_eq!(
            decide(
                &r,
                Outcome::RateLimited {
                    retry_after: Some(Duration::from_secs(2))
                },
                &a
            ),
            Decision::SameHostAfter(Duration::from_secs(2))
        );
        assert_eq!(
            decide(&r, Outcome::RateLimited { retry_after: None }, &a),
            Decision::SameHostAfter(Duration::from_millis(200))
        );
        let third = Attempt {
            rate_limited: 2,
            ..a
        };
        assert_eq!(
            decide(&r, Outcome::RateLimited { retry_after: None }, &third),
            Decision::SameHostAfter(Duration::from_millis(800))
        );
        let jittered = Attempt {
            jitter: 0.5,
            ..third
        };
        assert_eq!(
            decide(&r, Outcome::RateLimited { retry_after: None }, &jittered),
            Decision::SameHostAfter(Duration::from_millis(400))
        );
        let many = Attempt {
            rate_limited: 3,
            ..a
        };
        assert_eq!(
            decide(&r, Outcome::RateLimited { retry_after: None }, &many),
            Decision::GiveUp
        );
        // a Retry-After beyond what we are willing to wait is returned at once
        assert_eq!(
            decide(
                &r,
                Outcome::RateLimited {
                    retry_after: Some(Duration::from_secs(3600))
                },
                &a
            ),
            Decision::GiveUp
        );
        assert!(!Outcome::RateLimited { retry_after: None }.host_failed());
    }

    #[test]
    fn backoff_is_capped() {
        let r = RetryPolicy {
            max_attempts: 100,
            rate_limit_retries: 100,
            ..RetryPolicy::default()
        };
        let a = Attempt {
            rate_limited: 30,
            ..attempt()
        };
        assert_eq!(
            decide(&r, Outcome::RateLimited { retry_after: None }, &a),
            Decision::SameHostAfter(r.backoff_max)
        );
    }

    #[test]
    fn unauthorized_refreshes_once() {
        let r = RetryPolicy::default();
        assert_eq!(
            decide(&r, Outcome::Unauthorized, &attempt()),
            Decision::RefreshTokenAndRetry
        );
        let again = Attempt {
            token_refreshed: true,
            ..attempt()
        };
        assert_eq!(decide(&r, Outcome::Unauthorized, &again), Decision::GiveUp);
    }

    #[test]
    fn attempts_and_one_shot_bodies_are_bounded() {
        let r = RetryPolicy::default();
        let spent = Attempt {
            attempts: r.max_attempts,
            ..attempt()
        };
        assert_eq!(decide(&r, Outcome::ConnectFailed, &spent), Decision::GiveUp);
        let consumed = Attempt {
            body_replayable: false,
            idempotent: true,
            ..attempt()
        };
        assert_eq!(
            decide(&r, Outcome::ServerError, &consumed),
            Decision::GiveUp
        );
        assert_eq!(decide(&r, Outcome::Success, &spent), Decision::Done);
        assert_eq!(decide(&r, Outcome::Rejected, &attempt()), Decision::Done);
    }

    #[test]
    fn retry_after_parsing() {
        assert_eq!(parse_retry_after("3"), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after(" 0.5 "), Some(Duration::from_millis(500)));
        assert_eq!(parse_retry_after("-1"), None);
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
        // server-supplied: huge or infinite values saturate, NaN is no value; never a panic
        assert_eq!(parse_retry_after("1e20"), Some(RETRY_AFTER_CAP));
        assert_eq!(parse_retry_after("inf"), Some(RETRY_AFTER_CAP));
        assert_eq!(parse_retry_after("NaN"), None);
        assert_eq!(parse_retry_after("1e-300"), Some(Duration::ZERO));
    }
}
