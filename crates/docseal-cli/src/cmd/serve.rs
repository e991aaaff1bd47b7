//! `docseal serve`: the verification service (crates/docseal-server).

use std::process::ExitCode;

use docseal::Policy;
use docseal_server::{Config, Limits, Sources};

use crate::Failure;
use crate::cli::ServeArgs;

pub(crate) fn run(args: &ServeArgs) -> Result<ExitCode, Failure> {
    let mut policy = Policy::default();
    if let Some(age) = args.max_age {
        policy = policy.with_max_age(age);
    }
    if args.allow_unchecked_status {
        policy = policy.allow_unchecked_status();
    }
    if let Some(age) = args.max_status_age {
        policy = policy.with_max_status_age(age);
    }
    if args.accept_overdue_trust {
        policy = policy.accepting_overdue_trust();
    }
    let config = Config {
        sources: Sources {
            trust: args.trust.clone(),
            trust_anchor: args.trust_anchor.clone(),
            status: args.status.clone(),
        },
        trust_sequence: args.trust_sequence,
        state_dir: args.state_dir.clone(),
        policy,
        limits: Limits {
            body_bytes: args.max_body,
            image_bytes: args.max_image,
            batch: args.max_batch,
            header_timeout: args.header_timeout,
            request_timeout: args.request_timeout,
            concurrency: args.concurrency.max(1),
            connections: args.max_connections.max(1),
            image_pixels: args.max_image_pixels,
            ..Limits::default()
        },
        reload_every: args.reload_every,
        api_keys: args.api_keys.clone(),
        open_metrics: args.open_metrics,
    };
    docseal_server::install_logging(args.log_format, !args.quiet);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::usage(format!("cannot start the runtime: {e}")))?;
    let drain = config.limits.drain;
    let served = runtime.block_on(docseal_server::serve_until_signalled(args.listen, config));
    // A reload stuck on a disk that does not answer must not hold the exit past the drain.
    runtime.shutdown_timeout(drain);
    served.map_err(|e| Failure::usage(format!("serve: {e}")))?;
    Ok(ExitCode::SUCCESS)
}
