//! The table's own rules, and the two files that must follow it: the
//! authorization matrix's `tests/routes.json` and the README's API table.

use super::*;

/// Where the authorization matrix test (tests/inbox-api.test.mjs) reads the table.
const EXPORTED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/routes.json");
/// The README, whose API table lists the same routes in the same order.
const README: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md");

#[test]
fn a_path_finds_its_route_and_parameters() {
    let (route, params) = find("PATCH", "/api/sites/s_1/automations/au_2").unwrap();
    assert_eq!(route.endpoint, Endpoint::UpdateAutomation);
    assert_eq!(
        params,
        Params {
            site: "s_1",
            id: "au_2"
        }
    );
    let (route, params) = find("GET", "/api/health/").unwrap();
    assert_eq!(
        (route.endpoint, params),
        (Endpoint::Health, Params::default())
    );
    assert_eq!(
        find("DELETE", "/api/health").unwrap_err(),
        Miss::MethodNotAllowed
    );
    assert_eq!(
        find("OPTIONS", "/api/session").unwrap_err(),
        Miss::MethodNotAllowed
    );
    assert_eq!(find("GET", "/api/nowhere").unwrap_err(), Miss::NotFound);
    assert_eq!(
        find("GET", "/api/conversations/c_1/extra").unwrap_err(),
        Miss::NotFound
    );
    assert_eq!(
        find("get", "/api/health").unwrap_err(),
        Miss::MethodNotAllowed
    );
}

/// Two patterns some path matches both (a parameter matches any segment).
fn overlap(a: &str, b: &str) -> bool {
    let (a, b): (Vec<_>, Vec<_>) = (segments(a).collect(), segments(b).collect());
    let param = |s: &str| s.starts_with('{');
    a.len() == b.len()
        && a.iter()
            .zip(&b)
            .all(|(x, y)| x == y || param(x) || param(y))
}

#[test]
fn no_two_routes_answer_the_same_request_and_order_does_not_matter() {
    for (i, a) in ROUTES.iter().enumerate() {
        for b in &ROUTES[i + 1..] {
            let same_path = a.path == b.path;
            assert!(
                same_path || !overlap(a.path, b.path),
                "{} and {} overlap",
                a.path,
                b.path
            );
            assert!(
                !(same_path && a.method == b.method),
                "{} {} twice",
                a.method.as_str(),
                a.path
            );
        }
    }
}

#[test]
fn parameters_are_site_and_id_once_each_and_sockets_are_gets() {
    for route in ROUTES {
        let params: Vec<_> = segments(route.path).filter(|s| s.contains('{')).collect();
        let known = params.iter().all(|p| ["{site}", "{id}"].contains(p));
        let once = params.iter().filter(|p| **p == "{id}").count() <= 1
            && params.iter().filter(|p| **p == "{site}").count() <= 1;
        assert!(
            known && once,
            "{}: only {{site}} and {{id}}, once each",
            route.path
        );
        assert!(
            !route.socket || route.method == Method::Get,
            "{}",
            route.path
        );
        let widget_only = route.who == Who::VisitorOrAnyone;
        assert!(
            !widget_only || route.socket,
            "{}: anonymous visitors only on the socket",
            route.path
        );
    }
}

/// The table as the matrix test reads it: one route a line.
fn exported() -> String {
    let lines: Vec<String> = ROUTES
        .iter()
        .map(|r| serde_json::to_string(r).expect("a route serializes"))
        .collect();
    format!("[\n{}\n]\n", lines.join(",\n"))
}

#[test]
fn the_matrix_test_reads_this_table() {
    let generated = exported();
    if std::env::var_os("UPDATE_API_TYPES").is_some() {
        std::fs::write(EXPORTED, &generated).expect("tests/ is writable");
    }
    let committed = std::fs::read_to_string(EXPORTED).unwrap_or_default();
    assert!(
        committed == generated,
        "tests/routes.json is out of date with shared/src/api/routes.rs: run \
         `UPDATE_API_TYPES=1 cargo test -p shared --features serde`, then give the \
         authorization matrix (tests/inbox-api.test.mjs) a case for each new route"
    );
}

/// `(who, "METHOD /path", socket)` of a README API row: `| who | `METHOD
/// /path?query` (WebSocket) | what |`; the query is documentation.
fn readme_row(line: &str) -> Option<(String, String, bool)> {
    let mut cells = line.strip_prefix("| ")?.splitn(3, " | ");
    let (who, call) = (cells.next()?, cells.next()?);
    let code = call.strip_prefix('`')?;
    let (code, after) = code.split_once('`')?;
    let (method, path) = code.split_once(' ')?;
    Method::parse(method)?;
    let path = path.split('?').next()?;
    Some((
        who.to_string(),
        format!("{method} {path}"),
        after.trim() == "(WebSocket)",
    ))
}

#[test]
fn the_readme_api_table_lists_every_route_in_order_with_who_may_call_it() {
    let readme = std::fs::read_to_string(README).expect("README.md is readable");
    let table = readme
        .split_once("| Who | Method and path | What |")
        .expect("the README has the API table")
        .1;
    let rows: Vec<_> = table
        .lines()
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| readme_row(l).unwrap_or_else(|| panic!("not a `METHOD /path` row: {l}")))
        .collect();
    let wanted: Vec<_> = ROUTES
        .iter()
        .map(|r| {
            (
                r.who.label().to_string(),
                format!("{} {}", r.method.as_str(), r.path),
                r.socket,
            )
        })
        .collect();
    for (row, want) in rows.iter().zip(&wanted) {
        assert_eq!(
            row, want,
            "README API table row (who, call, WebSocket) differs from the route table"
        );
    }
    assert_eq!(
        rows.len(),
        wanted.len(),
        "the README API table has one row per route: {wanted:#?}"
    );
}
