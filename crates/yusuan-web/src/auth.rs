//! Who is asking, and whether a write is really theirs.
//!
//! - Pages sign in with a form and get an `HttpOnly`, `SameSite=Lax` session cookie; only the
//!   token's hash is stored.
//! - Scripts sign in through `POST /api/session` and send `Authorization: Bearer <token>`;
//!   a bearer request ignores cookies, so it needs no CSRF token.
//! - CSRF: a random `yusuan_csrf` cookie (double submit). Every form carries it in a hidden
//!   field; an API write authenticated by cookie carries it in `X-CSRF-Token`.
//! - Without a session a visitor is the public: published documents only, read-only.

use crate::ops::Problem;
use crate::AppState;
use axum::extract::{FromRef, FromRequestParts, Request, State};
use axum::http::header::{AUTHORIZATION, COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use std::collections::HashMap;
use yusuan_store::{DocumentSummary, Filter, Role, User};

pub const SESSION_COOKIE: &str = "yusuan_session";
pub const CSRF_COOKIE: &str = "yusuan_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The CSRF token of a request that came without one (set by [`csrf_cookie`]).
#[derive(Clone)]
struct NewCsrf(String);

fn cookie<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A cookie header value with the attributes every yusuan cookie has.
pub fn set_cookie(name: &str, value: &str, max_age: i64, http_only: bool, secure: bool) -> String {
    let mut c = format!("{name}={value}; Path=/; Max-Age={max_age}; SameSite=Lax");
    if http_only {
        c.push_str("; HttpOnly");
    }
    if secure {
        c.push_str("; Secure");
    }
    c
}

/// Give every visitor a CSRF cookie before they see a form.
pub async fn csrf_cookie(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let (mut parts, body) = req.into_parts();
    let missing = cookie(&parts, CSRF_COOKIE).is_none_or(|v| v.len() < 32);
    let token = if missing {
        yusuan_store::random_token().ok()
    } else {
        None
    };
    if let Some(t) = &token {
        parts.extensions.insert(NewCsrf(t.clone()));
    }
    req = Request::from_parts(parts, body);
    let mut response = next.run(req).await;
    if let Some(t) = token {
        let c = set_cookie(
            CSRF_COOKIE,
            &t,
            30 * 86400,
            true,
            state.config.secure_cookies,
        );
        if let Ok(v) = HeaderValue::from_str(&c) {
            response.headers_mut().append(SET_COOKIE, v);
        }
    }
    response
}

/// The person behind a request.
#[derive(Clone, Debug)]
pub struct Viewer {
    pub user: Option<User>,
    /// The session token (cookie or bearer), to sign out.
    pub token: Option<String>,
    /// The token forms must echo.
    pub csrf: String,
    /// Authenticated by `Authorization: Bearer`.
    pub bearer: bool,
    /// The `X-CSRF-Token` header matched the cookie.
    header_csrf_ok: bool,
    /// The address the request came from (when the server knows it), for sign-in throttling.
    pub peer: Option<std::net::IpAddr>,
}

impl<S> FromRequestParts<S> for Viewer
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = (StatusCode, String);

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Viewer, Self::Rejection> {
        let state = AppState::from_ref(state);
        let bearer = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(|t| t.trim().to_string());
        let csrf = cookie(parts, CSRF_COOKIE)
            .map(str::to_string)
            .or_else(|| parts.extensions.get::<NewCsrf>().map(|n| n.0.clone()))
            .unwrap_or_default();
        let header_csrf_ok = !csrf.is_empty()
            && parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|h| constant_eq(h, &csrf));
        let (token, is_bearer) = match bearer {
            Some(t) => (Some(t), true),
            None => (cookie(parts, SESSION_COOKIE).map(str::to_string), false),
        };
        let user = match &token {
            Some(t) => state
                .store
                .session_user(t)
                .await
                .map_err(|e| (StatusCode::SERVICE_UNAVAILABLE, e.to_string()))?,
            None => None,
        };
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip());
        Ok(Viewer {
            user,
            token,
            csrf,
            bearer: is_bearer,
            header_csrf_ok,
            peer,
        })
    }
}

/// Compare secrets without stopping at the first difference.
pub fn constant_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

impl Viewer {
    pub fn role(&self) -> Role {
        self.user.as_ref().map_or(Role::Public, |u| u.role)
    }

    /// A form's token matches the visitor's cookie.
    pub fn form_csrf_ok(&self, token: &str) -> bool {
        !self.csrf.is_empty() && constant_eq(token, &self.csrf)
    }

    /// An API write may go ahead: bearer-authenticated, or the cookie's token in the header.
    pub fn api_write_ok(&self) -> bool {
        self.bearer || self.header_csrf_ok
    }

    pub fn can_upload(&self) -> bool {
        matches!(self.role(), Role::Bureau | Role::Department)
    }

    /// Marking documents published is the bureau's.
    pub fn can_set_published(&self) -> bool {
        self.role() == Role::Bureau
    }

    pub fn can_view(&self, doc: &DocumentSummary) -> bool {
        match &self.user {
            _ if doc.published => true,
            Some(u) if u.role == Role::Bureau => true,
            Some(u) if u.role == Role::Department => {
                let name = yusuan_store::unit::normalise(&doc.unit);
                doc.uploaded_by == Some(u.id)
                    || (!name.is_empty()
                        && u.units
                            .iter()
                            .any(|n| yusuan_store::unit::normalise(n) == name))
            }
            _ => false,
        }
    }

    /// The public's view (not signed in, or a public account): documents as published, not
    /// their audit pages.
    pub fn is_public(&self) -> bool {
        self.role() == Role::Public
    }

    /// Narrow a list to what this visitor may see.
    pub fn restrict(&self, mut filter: Filter) -> Filter {
        match &self.user {
            Some(u) if u.role == Role::Bureau => {}
            Some(u) if u.role == Role::Department => {
                filter.visible_to = Some((u.units.clone(), u.id));
            }
            _ => filter.published_only = true,
        }
        filter
    }
}

/// Check a password off the async executor (argon2 is slow on purpose). Returns the user when
/// the name and password match. An unknown name costs the same hash, so the time taken does not
/// tell which names exist.
pub async fn check_password(state: &AppState, username: &str, password: &str) -> Option<User> {
    let found = state.store.user_by_name(username).await.ok().flatten();
    let phc = found.as_ref().map(|(_, phc)| phc.clone());
    let password = password.to_string();
    let ok = tokio::task::spawn_blocking(move || match phc {
        Some(phc) => yusuan_store::password::verify(&password, &phc),
        None => {
            static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
            let dummy = DUMMY.get_or_init(|| yusuan_store::password::hash("-").unwrap_or_default());
            let _ = yusuan_store::password::verify(&password, dummy);
            false
        }
    })
    .await
    .unwrap_or(false);
    found.filter(|_| ok).map(|(user, _)| user)
}

/// A signed-in session: the user, the token (bearer or cookie) and its `Set-Cookie` value.
pub struct SignedIn {
    pub user: User,
    pub token: String,
    pub cookie: String,
}

/// Check the password and start a session.
pub async fn sign_in(
    state: &AppState,
    peer: Option<std::net::IpAddr>,
    username: &str,
    password: &str,
) -> Result<SignedIn, Problem> {
    let keys = Throttle::keys(username, peer);
    if let Some(wait) = state.throttle.locked(&keys) {
        return Err(Problem::new(
            StatusCode::TOO_MANY_REQUESTS,
            format!("登录失败次数过多，请 {} 秒后再试", wait.as_secs().max(1)),
        ));
    }
    let Some(user) = check_password(state, username, password).await else {
        state.throttle.failed(&keys);
        return Err(Problem::new(StatusCode::UNAUTHORIZED, "用户名或密码不正确"));
    };
    state.throttle.succeeded(&keys);
    let token = state
        .store
        .create_session(user.id, state.config.session_secs)
        .await?;
    let cookie = session_cookie(state, &token, state.config.session_secs);
    Ok(SignedIn {
        user,
        token,
        cookie,
    })
}

/// The session cookie's `Set-Cookie` value; an empty token with `max_age` 0 clears it.
pub fn session_cookie(state: &AppState, token: &str, max_age: i64) -> String {
    set_cookie(
        SESSION_COOKIE,
        token,
        max_age,
        true,
        state.config.secure_cookies,
    )
}

/// Sign-in throttling, per account and per address: after [`Throttle::FREE`] failures in a
/// row, each further attempt waits, twice as long after each failure (from one second up to
/// [`Throttle::LONGEST`]). A success clears the account's count and the address's.
#[derive(Default)]
pub struct Throttle {
    failures: std::sync::Mutex<HashMap<String, Failures>>,
}

#[derive(Clone, Copy)]
struct Failures {
    count: u32,
    until: std::time::Instant,
}

impl Throttle {
    /// Failures allowed before the first wait.
    pub const FREE: u32 = 5;
    /// The longest wait.
    pub const LONGEST: std::time::Duration = std::time::Duration::from_secs(15 * 60);
    /// Entries kept at most (the oldest are dropped first).
    const MAX_ENTRIES: usize = 100_000;

    fn keys(username: &str, peer: Option<std::net::IpAddr>) -> Vec<String> {
        let mut keys = vec![format!("user:{}", username.trim())];
        if let Some(ip) = peer {
            keys.push(format!("addr:{ip}"));
        }
        keys
    }

    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, Failures>> {
        self.failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// How long the caller must still wait, if any key is locked.
    fn locked(&self, keys: &[String]) -> Option<std::time::Duration> {
        let now = std::time::Instant::now();
        let map = self.map();
        keys.iter()
            .filter_map(|k| map.get(k))
            .filter(|f| f.until > now)
            .map(|f| f.until - now)
            .max()
    }

    fn failed(&self, keys: &[String]) {
        let now = std::time::Instant::now();
        let mut map = self.map();
        if map.len() >= Self::MAX_ENTRIES {
            let oldest = map.values().map(|f| f.until).min();
            map.retain(|_, f| Some(f.until) != oldest && f.until > now);
        }
        for k in keys {
            let f = map.entry(k.clone()).or_insert(Failures {
                count: 0,
                until: now,
            });
            f.count += 1;
            if f.count >= Self::FREE {
                let doubling = (f.count - Self::FREE).min(20);
                let wait = std::time::Duration::from_secs(1u64 << doubling).min(Self::LONGEST);
                f.until = now + wait;
            }
        }
    }

    fn succeeded(&self, keys: &[String]) {
        let mut map = self.map();
        for k in keys {
            map.remove(k);
        }
    }
}
