//! The catalogue itself: well-formed, complete for the seed operations, and driving validation and encoding.

use imcloud::catalogue::{self, Encoding, Location, ParamType};
use imcloud::validate::{check_file_size, validate};
use imcloud::wire::{Incoming, PreparedBody, body_fits, decode, match_path, prepare};
use imcloud::{ErrorKind, catalogue::Cloud};
use serde_json::{Map, Value, json};

/// Arguments that pass validation: every required parameter with a valid value.
fn sample_args(op: &imcloud::catalogue::Operation) -> Map<String, Value> {
    catalogue::sample_args(op, false)
}

fn obj(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

fn no_cred(_: &str) -> Option<String> {
    None
}

#[test]
fn every_operation_is_well_formed() {
    for cloud in [Cloud::Rongcloud, Cloud::Easemob] {
        let api = catalogue::api(cloud);
        let mut names = std::collections::HashSet::new();
        for op in &api.operations {
            assert!(names.insert(op.name.clone()), "duplicate {}", op.name);
            assert!(
                ["GET", "POST", "PUT", "DELETE"].contains(&op.method.as_str()),
                "{}",
                op.name
            );
            assert!(op.path.starts_with('/'), "{}", op.name);
            assert!(!op.summary.is_empty(), "{} has no summary", op.name);
            let mut pnames = std::collections::HashSet::new();
            for p in &op.params {
                assert!(
                    pnames.insert(p.name.clone()),
                    "{}: duplicate param {}",
                    op.name,
                    p.name
                );
                assert!(
                    p.name
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                    "{}",
                    p.name
                );
                if op.location_of(p) == Location::Path {
                    assert!(
                        p.required,
                        "{}: path param {} must be required",
                        op.name, p.name
                    );
                }
                if let Some(by) = &p.max_items_by {
                    assert!(
                        op.param(&by.param).is_some(),
                        "{}: max_items_by names {}",
                        op.name,
                        by.param
                    );
                }
            }
            // every {placeholder} of the path is a parameter
            for seg in op.path.split('/') {
                if let Some(w) = seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                    assert!(
                        op.params.iter().any(|p| p.wire == w),
                        "{}: path {{{w}}} has no param",
                        op.name
                    );
                }
            }
            if cloud == Cloud::Rongcloud {
                // a POST with a form or JSON body, or a GET with a query string
                assert!(
                    matches!(
                        (op.method.as_str(), op.encoding),
                        ("POST", Encoding::Form | Encoding::Json) | ("GET", Encoding::Query)
                    ),
                    "{}: {} {:?}",
                    op.name,
                    op.method,
                    op.encoding
                );
            }
            assert_eq!(op.download, op.response.shape == "bytes", "{}", op.name);
            assert_eq!(
                op.file_param().is_some(),
                op.encoding == Encoding::Multipart,
                "{}",
                op.name
            );
        }
    }
}

#[test]
fn seed_operations_are_all_declared() {
    let rc = [
        "user.register",
        "user.refresh",
        "user.check_online",
        "user.block.add",
        "user.block.remove",
        "user.block.list",
        "message.private.publish",
        "message.group.publish",
        "message.system.publish",
        "message.recall",
        "group.create",
        "group.join",
        "group.quit",
        "group.dismiss",
        "group.refresh",
        "group.members",
        "chatroom.create",
        "chatroom.destroy",
        "chatroom.query",
        "user.tag.set",
        "push",
    ];
    for n in rc {
        assert!(
            catalogue::rongcloud().operation(n).is_some(),
            "rongcloud {n}"
        );
    }
    let em = [
        "auth.app_token",
        "user.register",
        "user.register_batch",
        "user.get",
        "user.delete",
        "user.status",
        "user.status_batch",
        "message.send_text",
        "message.send_image",
        "message.send_audio",
        "message.send_video",
        "message.send_file",
        "message.send_cmd",
        "message.send_custom",
        "attachment.upload",
        "attachment.download",
        "group.create",
        "group.get",
        "group.delete",
        "group.members",
        "group.members_add",
        "group.members_remove",
        "group.announcement_get",
        "group.announcement_set",
        "group.share_files",
        "group.share_file_upload",
        "group.share_file_download",
        "group.share_file_delete",
    ];
    for n in em {
        assert!(catalogue::easemob().operation(n).is_some(), "easemob {n}");
    }
    // the JSON ones are JSON
    for n in ["user.tag.set", "push"] {
        assert_eq!(
            catalogue::rongcloud().operation(n).unwrap().encoding,
            Encoding::Json
        );
    }
}

#[test]
fn the_documented_get_token_request_encodes_byte_for_byte() {
    let op = catalogue::rongcloud().operation("user.register").unwrap();
    let args = obj(
        json!({"user_id": "jlk456j5", "name": "Ironman", "portrait_uri": "http://abc.com/myportrait.jpg"}),
    );
    validate(op, &args).unwrap();
    let p = prepare(op, &args, &no_cred).unwrap();
    assert_eq!(p.path, "/user/getToken.json");
    assert_eq!(
        p.body,
        PreparedBody::Form(
            "userId=jlk456j5&name=Ironman&portraitUri=http%3A%2F%2Fabc.com%2Fmyportrait.jpg".into()
        )
    );
}

#[test]
fn form_encoding_of_unicode_and_reserved_characters_round_trips() {
    let op = catalogue::rongcloud()
        .operation("message.private.publish")
        .unwrap();
    let content = json!({"content": "a&b=c+d%e 你好 🎉"});
    let args = obj(json!({
        "from_user_id": "u=1", "to_user_ids": ["u=2", "u_3-x"], "object_name": "RC:TxtMsg",
        "content": content, "push_content": "50% off & more + tax=0", "is_persisted": true
    }));
    validate(op, &args).unwrap();
    let p = prepare(op, &args, &no_cred).unwrap();
    let PreparedBody::Form(body) = &p.body else {
        panic!()
    };
    assert!(body.contains("fromUserId=u%3D1"), "{body}");
    assert!(
        body.contains("toUserId=u%3D2&toUserId=u_3-x"),
        "repeated keys: {body}"
    );
    assert!(
        body.contains("pushContent=50%25+off+%26+more+%2B+tax%3D0"),
        "{body}"
    );
    assert!(body.contains("isPersisted=1"), "{body}");
    assert!(!body.contains(' ') && !body.contains('你'), "{body}");
    // decode back, as the emulator does
    let form: Vec<(String, String)> = form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    let content_wire = &form.iter().find(|(k, _)| k == "content").unwrap().1;
    assert_eq!(
        serde_json::from_str::<Value>(content_wire).unwrap(),
        content
    );
    let none = Map::new();
    let back = decode(
        op,
        &Incoming {
            path_params: &none,
            query: &[],
            form: &form,
            json: None,
            header: &|_| None,
        },
    )
    .unwrap();
    assert_eq!(back["from_user_id"], "u=1");
    assert_eq!(back["to_user_ids"], json!(["u=2", "u_3-x"]));
    assert_eq!(back["is_persisted"], json!(true));
    assert_eq!(back["push_content"], "50% off & more + tax=0");
}

#[test]
fn json_encoding_nests_dotted_wire_names_and_constants() {
    let op = catalogue::easemob()
        .operation("message.send_image")
        .unwrap();
    let args = obj(json!({
        "target_type": "users", "from": "a", "to": ["b"], "url": "https://h/o/a/chatfiles/1",
        "filename": "p&q=1.jpg", "secret": "s", "width": 10, "height": 20, "ext": {"k": "v 😀"}
    }));
    validate(op, &args).unwrap();
    let p = prepare(op, &args, &no_cred).unwrap();
    assert_eq!(p.path, "/messages/users");
    let PreparedBody::Json(s) = &p.body else {
        panic!()
    };
    let v: Value = serde_json::from_str(s).unwrap();
    assert_eq!(v["type"], "img");
    assert_eq!(v["body"]["size"], json!({"width": 10, "height": 20}));
    assert_eq!(v["body"]["filename"], "p&q=1.jpg");
    assert_eq!(v["ext"]["k"], "v 😀");
    assert!(body_fits(op, Some(&v)));
    assert!(!body_fits(
        catalogue::easemob().operation("message.send_text").unwrap(),
        Some(&v)
    ));
    let pp = match_path("/messages/{target_type}", "/messages/users").unwrap();
    let back = decode(
        op,
        &Incoming {
            path_params: &pp,
            query: &[],
            form: &[],
            json: Some(&v),
            header: &|_| None,
        },
    )
    .unwrap();
    assert_eq!(back["width"], 10);
    assert_eq!(back["to"], json!(["b"]));
}

#[test]
fn path_parameters_are_percent_encoded_and_lists_comma_joined() {
    let op = catalogue::easemob()
        .operation("group.members_remove")
        .unwrap();
    let args = obj(json!({"group_id": "g 1+x%", "usernames": ["a", "b.c"]}));
    validate(op, &args).unwrap();
    let p = prepare(op, &args, &no_cred).unwrap();
    assert_eq!(p.path, "/chatgroups/g%201%2Bx%25/users/a,b.c");
    let pp = match_path(&op.path, &p.path).unwrap();
    assert_eq!(pp["group_id"], "g 1+x%");
}

/// Every path parameter of every operation: a value that would leave its segment (`.`, `..`,
/// empty, `/`, `\`, control characters; `,` inside a comma-joined list) is refused before
/// anything is sent, naming the parameter. `DELETE …/chatgroups/{g}/users/..` would otherwise
/// reach `DELETE …/chatgroups/{g}` and delete the group.
#[test]
fn path_parameters_cannot_leave_their_segment_in_any_operation() {
    let mut checked = 0;
    for api in [catalogue::rongcloud(), catalogue::easemob()] {
        for op in &api.operations {
            for p in op
                .params
                .iter()
                .filter(|p| op.location_of(p) == Location::Path)
            {
                for bad in [".", "..", "", "a/b", "a\\b", "a\nb", "a\u{0}b", "%2e%2e"] {
                    let mut args = sample_args(op);
                    let is_list = p.ty == ParamType::StringList;
                    let value = if is_list {
                        json!(["ok", bad])
                    } else {
                        json!(bad)
                    };
                    args.insert(p.name.clone(), value);
                    let r = validate(op, &args);
                    if bad == "%2e%2e" {
                        // a literal percent sign is data: it is encoded (%252e) and stays put
                        if r.is_ok() {
                            let prep = prepare(op, &args, &|_| Some("x".into())).unwrap();
                            assert!(prep.path.contains("%252e%252e"), "{}", prep.path);
                        }
                        continue;
                    }
                    let e = r.expect_err(&format!("{} {}={bad:?}", op.name, p.name));
                    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
                    let want = if is_list {
                        format!("{}[1]", p.name)
                    } else {
                        p.name.clone()
                    };
                    assert_eq!(e.param(), Some(want.as_str()), "{e}");
                    checked += 1;
                }
                if p.ty == ParamType::StringList {
                    let mut args = sample_args(op);
                    args.insert(p.name.clone(), json!(["a,b"]));
                    assert!(validate(op, &args).is_err(), "{} {}", op.name, p.name);
                }
            }
        }
    }
    assert!(checked > 100, "only {checked} cases");
}

#[test]
fn query_and_header_parameters() {
    let op = catalogue::easemob().operation("group.share_files").unwrap();
    let p = prepare(
        op,
        &obj(json!({"group_id": "g", "pagenum": 2, "pagesize": 10})),
        &no_cred,
    )
    .unwrap();
    assert_eq!(
        p.path_and_query(),
        "/chatgroups/g/share_files?pagenum=2&pagesize=10"
    );
    let up = catalogue::easemob()
        .operation("group.share_file_upload")
        .unwrap();
    let p = prepare(
        up,
        &obj(json!({"group_id": "g", "restrict_access": true})),
        &no_cred,
    )
    .unwrap();
    assert_eq!(
        p.headers,
        vec![("restrict-access".to_string(), "true".to_string())]
    );
    assert_eq!(
        p.body,
        PreparedBody::Multipart {
            field: "file".into()
        }
    );
    // the declared default is sent when the caller says nothing
    let p = prepare(up, &obj(json!({"group_id": "g"})), &no_cred).unwrap();
    assert_eq!(
        p.headers,
        vec![("restrict-access".to_string(), "false".to_string())]
    );
}

fn invalid(cloud: Cloud, op: &str, args: Value) -> imcloud::Error {
    let op = catalogue::api(cloud).operation(op).unwrap();
    let e = validate(op, &obj(args)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    e
}

#[test]
fn bad_input_names_the_parameter_and_the_limit() {
    let e = invalid(
        Cloud::Easemob,
        "group.announcement_set",
        json!({"group_id": "g", "announcement": "字".repeat(513)}),
    );
    assert_eq!(e.param(), Some("announcement"));
    assert!(
        e.detail().contains("513") && e.detail().contains("512"),
        "{e}"
    );
    // exactly 512 characters (not bytes) is fine
    let op = catalogue::easemob()
        .operation("group.announcement_set")
        .unwrap();
    validate(
        op,
        &obj(json!({"group_id": "g", "announcement": "字".repeat(512)})),
    )
    .unwrap();

    let e = invalid(
        Cloud::Easemob,
        "group.share_files",
        json!({"group_id": "g", "pagesize": 1001}),
    );
    assert!(
        e.detail().contains("pagesize") && e.detail().contains("1000"),
        "{e}"
    );
    let e = invalid(
        Cloud::Easemob,
        "group.share_files",
        json!({"group_id": "g", "pagesize": 0}),
    );
    assert!(e.detail().contains("at least 1"), "{e}");

    let many: Vec<String> = (0..101).map(|i| format!("u{i}")).collect();
    let e = invalid(
        Cloud::Easemob,
        "user.status_batch",
        json!({"usernames": many}),
    );
    assert!(
        e.detail().contains("101") && e.detail().contains("100"),
        "{e}"
    );

    let e = invalid(Cloud::Rongcloud, "user.register", json!({"name": "n"}));
    assert_eq!(e.param(), Some("user_id"));
    assert!(e.detail().contains("required"), "{e}");

    let e = invalid(
        Cloud::Rongcloud,
        "user.register",
        json!({"user_id": "u", "name": "n", "nmae": 1}),
    );
    assert!(
        e.detail().contains("unknown parameter") && e.detail().contains("portrait_uri"),
        "{e}"
    );

    let e = invalid(
        Cloud::Rongcloud,
        "user.block.add",
        json!({"user_ids": ["a"], "minute": "5"}),
    );
    assert!(e.detail().contains("must be an integer"), "{e}");

    let e = invalid(
        Cloud::Easemob,
        "message.send_text",
        json!({"target_type": "chatgroups", "to": ["1", "2", "3", "4"], "msg": "x"}),
    );
    assert!(
        e.detail().contains("limit is 3") && e.detail().contains("chatgroups"),
        "{e}"
    );
    let e = invalid(
        Cloud::Easemob,
        "message.send_text",
        json!({"target_type": "rooms", "to": ["1"], "msg": "x"}),
    );
    assert!(e.detail().contains("users, chatgroups, chatrooms"), "{e}");

    let e = invalid(
        Cloud::Easemob,
        "user.register",
        json!({"username": "a b", "password": "p"}),
    );
    assert!(e.detail().contains("' '"), "{e}");

    let e = invalid(
        Cloud::Rongcloud,
        "message.private.publish",
        json!({
        "from_user_id": "a", "to_user_ids": ["b"], "object_name": "RC:TxtMsg", "content": "{not json"}),
    );
    assert!(e.detail().contains("JSON"), "{e}");

    let e = invalid(
        Cloud::Easemob,
        "user.register_batch",
        json!({"users": [{"username": "a", "password": "p"}, {"username": "b"}]}),
    );
    assert_eq!(e.param(), Some("users[1].password"));

    let op = catalogue::easemob()
        .operation("group.share_file_upload")
        .unwrap();
    let e = check_file_size(op, 10 * 1024 * 1024 + 1).unwrap_err();
    assert!(
        e.detail().contains("10485761") && e.detail().contains("10 MB"),
        "{e}"
    );
    check_file_size(op, 10 * 1024 * 1024).unwrap();
}

#[test]
fn every_declared_param_type_is_understood_by_prepare() {
    // a smoke pass: each op with its required params filled prepares without error
    for cloud in [Cloud::Rongcloud, Cloud::Easemob] {
        for op in &catalogue::api(cloud).operations {
            let mut args = Map::new();
            for p in op.params.iter().filter(|p| p.required) {
                if p.ty == ParamType::File {
                    continue;
                }
                // a value within the declared limits, of the declared type
                let v = catalogue::sample_value(p);
                args.insert(p.name.clone(), v);
            }
            validate(op, &args).unwrap_or_else(|e| panic!("{}: {e}", op.name));
            let cred = |_: &str| Some("c".to_string());
            prepare(op, &args, &cred).unwrap_or_else(|e| panic!("{}: {e}", op.name));
        }
    }
}

#[test]
fn integers_out_of_range_say_so_rather_than_naming_the_type() {
    let op = catalogue::rongcloud()
        .operation("message.private.publish")
        .unwrap();
    let p = op
        .param("msg_random")
        .expect("private publish has msg_random");
    for v in [json!(9_223_372_036_854_775_808u64), json!(1e30)] {
        let mut args = sample_args(op);
        args.insert(p.name.clone(), v.clone());
        let e = validate(op, &args).unwrap_err();
        assert_eq!(e.param(), Some(p.name.as_str()));
        assert!(!e.detail().contains("got an integer"), "{e}");
        assert!(
            e.detail().contains("at most") || e.detail().contains("out of range"),
            "{e}"
        );
    }
}

#[test]
fn rongcloud_user_ids_are_64_bytes_of_letters_digits_and_eq_dash_underscore() {
    let ok = |args: Value| {
        let op = catalogue::rongcloud().operation("user.register").unwrap();
        validate(op, &obj(args)).unwrap();
    };
    ok(json!({"user_id": "Ab9=-_", "name": "n"}));
    ok(json!({"user_id": "a".repeat(64), "name": "n"}));
    for bad in ["a b/c?&d", "u\u{0}", "a.b", "a@b", "a+b", "用户"] {
        let e = invalid(
            Cloud::Rongcloud,
            "user.register",
            json!({"user_id": bad, "name": "n"}),
        );
        assert_eq!(e.param(), Some("user_id"), "{bad:?}");
        assert!(e.detail().contains("a-z A-Z 0-9 = - _"), "{bad:?}: {e}");
    }
    let e = invalid(
        Cloud::Rongcloud,
        "user.register",
        json!({"user_id": "u\u{0}", "name": "n"}),
    );
    assert!(e.detail().contains("control character"), "{e}");
    // 33 characters, 65 bytes: the byte limit speaks first
    let e = invalid(
        Cloud::Rongcloud,
        "user.register",
        json!({"user_id": format!("a{}", "é".repeat(32)), "name": "n"}),
    );
    assert!(
        e.detail().contains("65 bytes") && e.detail().contains("64 bytes"),
        "{e}"
    );
    // every user id of every RongCloud operation is checked the same way
    for (op, args, param) in [
        (
            "message.private.publish",
            json!({"from_user_id": "a", "to_user_ids": ["b c"], "object_name": "RC:TxtMsg", "content": {}}),
            "to_user_ids[0]",
        ),
        (
            "group.create",
            json!({"user_ids": ["a/b"], "group_id": "g", "group_name": "G"}),
            "user_ids[0]",
        ),
        ("user.check_online", json!({"user_id": "a?b"}), "user_id"),
    ] {
        let e = invalid(Cloud::Rongcloud, op, args);
        assert_eq!(e.param(), Some(param), "{op}: {e}");
    }
    // the name stays a limit in characters
    ok(json!({"user_id": "u", "name": "名".repeat(64)}));
}

#[test]
fn byte_limits_of_tags_portraits_and_message_bodies() {
    let e = invalid(
        Cloud::Rongcloud,
        "user.tag.set",
        json!({"user_id": "u", "tags": ["北京".repeat(7)]}),
    );
    assert_eq!(e.param(), Some("tags[0]"));
    assert!(
        e.detail().contains("42 bytes") && e.detail().contains("40 bytes"),
        "{e}"
    );
    let e = invalid(
        Cloud::Rongcloud,
        "user.refresh",
        json!({"user_id": "u", "portrait_uri": format!("https://h/{}", "é".repeat(508))}),
    );
    assert_eq!(e.param(), Some("portrait_uri"));

    for op in [
        "message.private.publish",
        "message.group.publish",
        "message.system.publish",
    ] {
        let base = |content: Value| json!({"from_user_id": "a", "to_user_ids": ["b"], "to_group_ids": ["g"], "object_name": "RC:TxtMsg", "content": content});
        let strip = |mut v: Value| {
            let o = v.as_object_mut().unwrap();
            if op == "message.group.publish" {
                o.remove("to_user_ids");
            } else {
                o.remove("to_group_ids");
            }
            v
        };
        // an object is measured as the JSON text sent; a string as it is
        let e = invalid(
            Cloud::Rongcloud,
            op,
            strip(base(json!({"content": "x".repeat(131072)}))),
        );
        assert_eq!(e.param(), Some("content"), "{op}");
        assert!(
            e.detail().contains("131086 bytes") && e.detail().contains("128 KB"),
            "{op}: {e}"
        );
        let e = invalid(
            Cloud::Rongcloud,
            op,
            strip(base(json!(format!("\"{}\"", "x".repeat(131071))))),
        );
        assert!(e.detail().contains("131073 bytes"), "{op}: {e}");
        let o = catalogue::rongcloud().operation(op).unwrap();
        let exactly = format!("\"{}\"", "x".repeat(131070));
        validate(o, &obj(strip(base(json!(exactly))))).unwrap();
    }

    for op in [
        "message.send_text",
        "message.send_image",
        "message.send_cmd",
        "message.send_custom",
    ] {
        let o = catalogue::easemob().operation(op).unwrap();
        let ext = o.param("ext").unwrap();
        assert_eq!(ext.max_bytes, Some(5120), "{op}");
    }
    let e = invalid(
        Cloud::Easemob,
        "message.send_text",
        json!({"target_type": "users", "to": ["b"], "msg": "x", "ext": {"k": "x".repeat(5120)}}),
    );
    assert_eq!(e.param(), Some("ext"));
    assert!(
        e.detail().contains("5128 bytes") && e.detail().contains("5 KB"),
        "{e}"
    );
    let e = invalid(
        Cloud::Easemob,
        "message.send_custom",
        json!({"target_type": "users", "to": ["b"], "custom_event": "e", "custom_exts": {"k": "x".repeat(5120)}}),
    );
    assert_eq!(e.param(), Some("custom_exts"));
}

#[test]
fn easemob_single_registration_is_a_one_element_list_and_batch_stays_a_list() {
    let single = catalogue::easemob().operation("user.register").unwrap();
    let batch = catalogue::easemob()
        .operation("user.register_batch")
        .unwrap();
    let args = obj(json!({"username": "ann", "password": "pw", "nickname": "Ann"}));
    validate(single, &args).unwrap();
    let p = prepare(single, &args, &no_cred).unwrap();
    let PreparedBody::Json(s) = &p.body else {
        panic!()
    };
    let v: Value = serde_json::from_str(s).unwrap();
    assert_eq!(
        v,
        json!([{"username": "ann", "password": "pw", "nickname": "Ann"}])
    );
    // the emulator's routing: one item is a single registration, more is a batch
    assert!(body_fits(single, Some(&v)));
    let two = json!([{"username": "a", "password": "p"}, {"username": "b", "password": "p"}]);
    assert!(!body_fits(single, Some(&two)));
    assert!(body_fits(batch, Some(&two)));
    assert!(!body_fits(
        single,
        Some(&json!({"username": "a", "password": "p"}))
    ));
    assert!(!body_fits(single, Some(&json!([]))));
    let none = Map::new();
    let back = decode(
        single,
        &Incoming {
            path_params: &none,
            query: &[],
            form: &[],
            json: Some(&v),
            header: &|_| None,
        },
    )
    .unwrap();
    assert_eq!(back, args);
}

#[test]
fn documented_optional_parameters_can_be_sent() {
    for op in ["message.private.publish", "message.group.publish"] {
        let o = catalogue::rongcloud().operation(op).unwrap();
        for (name, wire) in [
            ("is_counted", "isCounted"),
            ("extra_content", "extraContent"),
            ("bus_channel", "busChannel"),
            ("disable_update_last_msg", "disableUpdateLastMsg"),
        ] {
            assert_eq!(o.param(name).map(|p| p.wire.as_str()), Some(wire), "{op}");
        }
    }
    let g = catalogue::easemob().operation("group.create").unwrap();
    assert!(g.param("avatar").is_some() && g.param("scale").is_some());
    for o in catalogue::easemob()
        .operations
        .iter()
        .filter(|o| o.name.starts_with("message.send_"))
    {
        assert!(o.param("roam_ignore_users").is_some(), "{}", o.name);
        assert!(o.param("chatroom_msg_level").is_some(), "{}", o.name);
    }
}
