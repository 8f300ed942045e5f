//! Routes that carry their access rule: every module registers its handlers through
//! [`Routes::route`], naming the method, the path, who may call it and the handler. The rule
//! is enforced by a layer on that one route (after `authenticate` has established the caller)
//! and listed by `onemap routes`.

use std::convert::Infallible;
use std::future::Ready;
use std::task::{Context, Poll};

use axum::Router;
use axum::extract::Request;
use axum::http::Method;
use axum::response::{IntoResponse, Response};
use futures_util::future::Either;

use super::policy::{Access, decide};
use super::{AuthError, Principal};
use crate::base::ApiError;

/// One registered route, as `onemap routes` lists it.
#[derive(Debug, Clone)]
pub struct RouteInfo {
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
}

/// A module's routes with their rules; `S` is the state its handlers take.
pub struct Routes<S = crate::base::AppState> {
    router: Router<S>,
    list: Vec<RouteInfo>,
}

impl<S: Clone + Send + Sync + 'static> Default for Routes<S> {
    fn default() -> Self {
        Self::new()
    }
}

impl<S: Clone + Send + Sync + 'static> Routes<S> {
    pub fn new() -> Self {
        Self { router: Router::new(), list: Vec::new() }
    }

    /// Registers `handler` for `method path`, callable by whoever `access` admits.
    pub fn route<H, T>(mut self, method: Method, path: &'static str, access: Access, handler: H) -> Self
    where
        H: axum::handler::Handler<T, S>,
        T: 'static,
    {
        let filter = axum::routing::MethodFilter::try_from(method.clone()).expect("a standard method");
        let endpoint = axum::routing::on(filter, handler).route_layer(Authorize(access));
        self.router = self.router.route(path, endpoint);
        self.list.push(RouteInfo { method, path, access });
        self
    }

    /// Like [`Routes::route`], for an upload: the JSON body limit does not apply (the handler
    /// streams the body and enforces its own).
    pub fn upload<H, T>(mut self, method: Method, path: &'static str, access: Access, handler: H) -> Self
    where
        H: axum::handler::Handler<T, S>,
        T: 'static,
    {
        let filter = axum::routing::MethodFilter::try_from(method.clone()).expect("a standard method");
        let endpoint = axum::routing::on(filter, handler)
            .route_layer(axum::extract::DefaultBodyLimit::disable())
            .route_layer(Authorize(access));
        self.router = self.router.route(path, endpoint);
        self.list.push(RouteInfo { method, path, access });
        self
    }

    pub fn merge(mut self, other: Routes<S>) -> Self {
        self.router = self.router.merge(other.router);
        self.list.extend(other.list);
        self
    }

    /// Gives the handlers their state: the routes can then be merged with other modules'.
    pub fn with_state<S2: Clone + Send + Sync + 'static>(self, state: S) -> Routes<S2> {
        Routes { router: self.router.with_state(state), list: self.list }
    }

    pub fn list(&self) -> &[RouteInfo] {
        &self.list
    }

    pub fn into_parts(self) -> (Router<S>, Vec<RouteInfo>) {
        (self.router, self.list)
    }
}

/// The layer that applies a route's rule: refuses before the handler, or calls it directly
/// (no clone of the handler per request, unlike a `from_fn` middleware).
#[derive(Debug, Clone, Copy)]
struct Authorize(Access);

impl<S> tower::Layer<S> for Authorize {
    type Service = Authorized<S>;
    fn layer(&self, inner: S) -> Authorized<S> {
        Authorized { inner, access: self.0 }
    }
}

#[derive(Debug, Clone)]
struct Authorized<S> {
    inner: S,
    access: Access,
}

impl<S> tower::Service<Request> for Authorized<S>
where
    S: tower::Service<Request, Response = Response, Error = Infallible>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Either<Ready<Result<Response, Infallible>>, S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        // `authenticate` runs first on every routed request and always leaves a principal.
        let decision = match req.extensions().get::<Principal>() {
            Some(p) => decide(self.access, p),
            None => Err(AuthError::Unauthenticated),
        };
        match decision {
            Ok(()) => Either::Right(self.inner.call(req)),
            Err(e) => Either::Left(std::future::ready(Ok(refusal(e)))),
        }
    }
}

/// A refusal by the route's rule (`authenticate` audits it, as every 401 and 403).
fn refusal(e: AuthError) -> Response {
    ApiError::from(e).into_response()
}
