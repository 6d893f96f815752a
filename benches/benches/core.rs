//! CPU cost of the work done for every call before any I/O: signing, validation, encoding.

use criterion::{Criterion, criterion_group, criterion_main};
use imcloud::Secret;
use imcloud::agora::AccessToken2;
use imcloud::catalogue;
use imcloud::signing::sign_now;
use imcloud::validate::validate;
use imcloud::wire::prepare;
use serde_json::json;
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let secret = Secret::new("Y1W2MeFwwwRxa0");
    c.bench_function("rongcloud sign (nonce + timestamp + sha1)", |b| {
        b.iter(|| black_box(sign_now("app-key", &secret)))
    });

    let op = catalogue::rongcloud()
        .operation("message.private.publish")
        .unwrap();
    let args = json!({"from_user_id": "u1", "to_user_ids": (0..100).map(|i| format!("user-{i}")).collect::<Vec<_>>(),
                      "object_name": "RC:TxtMsg", "content": {"content": "hello & 你好"}, "push_content": "hi"});
    let args = args.as_object().unwrap().clone();
    c.bench_function(
        "validate + encode private publish to 100 users (form)",
        |b| {
            b.iter(|| {
                validate(op, black_box(&args)).unwrap();
                black_box(prepare(op, &args, &|_| None).unwrap())
            })
        },
    );

    let op = catalogue::easemob().operation("message.send_text").unwrap();
    let args = json!({"target_type": "users", "from": "a", "to": (0..600).map(|i| format!("user{i}")).collect::<Vec<_>>(), "msg": "hello", "ext": {"k": "v"}});
    let args = args.as_object().unwrap().clone();
    c.bench_function("validate + encode text message to 600 users (JSON)", |b| {
        b.iter(|| {
            validate(op, black_box(&args)).unwrap();
            black_box(prepare(op, &args, &|_| None).unwrap())
        })
    });

    let cert = Secret::new("5CFd2fd1755d40ecb72977518be15d3b");
    c.bench_function("agora chat app token (AccessToken2 build)", |b| {
        b.iter(|| {
            black_box(
                AccessToken2::chat_app("970CA35de60c44645bbae8a215061b33", 1_111_111, 1, 600)
                    .build(&cert)
                    .unwrap(),
            )
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
