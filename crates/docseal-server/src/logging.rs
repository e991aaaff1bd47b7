//! The service's logs: events through `tracing` (start, drain, reloads, refused status tokens)
//! and one line per answered request from tower-http's trace layer, with the method, the
//! route's pattern, the status and the time taken. Never a payload, a document, a key or a
//! raw path: a client cannot put its own words into the log.

use std::str::FromStr;
use std::time::Duration;

use axum::extract::MatchedPath;
use axum::http::{Request, Response};
use tower_http::classify::{ServerErrorsAsFailures, SharedClassifier};
use tower_http::trace::TraceLayer;
use tracing_subscriber::Layer as _;
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;

/// The target of the per-request lines, so `--quiet` can leave them out alone.
pub(crate) const REQUEST_TARGET: &str = "docseal_server::request";

/// How log lines are written on standard error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum LogFormat {
    /// One JSON object per line (for a log collector).
    #[default]
    Json,
    /// Plain text, one event per line (for a person at a terminal).
    Text,
}

impl FromStr for LogFormat {
    type Err = String;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        match name.to_ascii_lowercase().as_str() {
            "json" => Ok(Self::Json),
            "text" => Ok(Self::Text),
            other => Err(format!("unknown log format {other:?}: use json or text")),
        }
    }
}

/// Installs this process's log writer on standard error: `format`, events at INFO and above,
/// and the per-request lines only when `requests`. For the binary to call once; a second call
/// changes nothing and returns `false`.
pub fn install_logging(format: LogFormat, requests: bool) -> bool {
    let request_level = if requests { LevelFilter::INFO } else { LevelFilter::WARN };
    let filter = Targets::new().with_default(LevelFilter::INFO).with_target(REQUEST_TARGET, request_level);
    let writer = tracing_subscriber::fmt::layer().with_writer(std::io::stderr).with_ansi(false);
    let layer = match format {
        LogFormat::Json => writer.json().flatten_event(true).with_current_span(true).with_span_list(false).boxed(),
        LogFormat::Text => writer.boxed(),
    };
    tracing_subscriber::registry().with(layer.with_filter(filter)).try_init().is_ok()
}

type RequestSpan = fn(&Request<axum::body::Body>) -> tracing::Span;
type Answered = fn(&Response<axum::body::Body>, Duration, &tracing::Span);

/// tower-http's trace layer, logging one line per answered request.
pub(crate) fn request_trace()
-> TraceLayer<SharedClassifier<ServerErrorsAsFailures>, RequestSpan, (), Answered, (), (), ()> {
    TraceLayer::new_for_http()
        .make_span_with(request_span as RequestSpan)
        .on_request(())
        .on_response(answered as Answered)
        .on_body_chunk(())
        .on_eos(())
        .on_failure(())
}

fn request_span(request: &Request<axum::body::Body>) -> tracing::Span {
    // The route's pattern, not the raw path (see the module's documentation).
    let path = request.extensions().get::<MatchedPath>().map_or("unmatched", MatchedPath::as_str);
    tracing::info_span!(target: REQUEST_TARGET, "request", method = %request.method(), path)
}

fn answered(response: &Response<axum::body::Body>, latency: Duration, _span: &tracing::Span) {
    tracing::info!(
        target: REQUEST_TARGET,
        status = response.status().as_u16(),
        ms = latency.as_secs_f64() * 1e3,
        "answered"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_named_in_any_case_and_others_refused() {
        assert_eq!("JSON".parse::<LogFormat>(), Ok(LogFormat::Json));
        assert_eq!("text".parse::<LogFormat>(), Ok(LogFormat::Text));
        assert!("xml".parse::<LogFormat>().unwrap_err().contains("json or text"));
    }
}
