//! Single `DS1:` requests verified together: while one group is being verified, the requests
//! that arrive wait in a queue and go as the next group, through the library's bulk path
//! (Ed25519 signatures checked in batches, about a third of the cost of one alone). Nothing
//! waits for a group to fill: an idle service verifies each request as it comes.
//!
//! Only requests without their own time or questions are grouped (they share the group's
//! verification time, taken when it starts); the bulk path's answers equal the single
//! path's, which the core's tests hold.

use std::sync::Arc;

use serde_json::Value;
use tokio::sync::{mpsc, oneshot};

use crate::state::Current;

/// Requests in one group at most.
const GROUP: usize = 256;

pub(crate) struct Job {
    pub(crate) text: String,
    pub(crate) reply: oneshot::Sender<(&'static str, Value)>,
}

/// Starts the grouping task; the sender is what the route posts to.
pub(crate) fn start(current: Arc<Current>) -> mpsc::Sender<Job> {
    let (sender, receiver) = mpsc::channel(4 * GROUP);
    tokio::spawn(run(current, receiver));
    sender
}

async fn run(current: Arc<Current>, mut receiver: mpsc::Receiver<Job>) {
    while let Some(first) = receiver.recv().await {
        let mut jobs = vec![first];
        while jobs.len() < GROUP {
            match receiver.try_recv() {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
        let loaded = current.get();
        let answered = tokio::task::spawn_blocking(move || {
            let now = chrono::Utc::now();
            let texts: Vec<&str> = jobs.iter().map(|j| j.text.trim()).collect();
            let answers: Vec<(&'static str, Value)> = loaded
                .verifier
                .verify_many_any(&texts, now)
                .iter()
                .map(|result| (crate::routes::verdict_kind(result), docseal::json::answer(result)))
                .collect();
            for (job, answer) in jobs.into_iter().zip(answers) {
                // The client may have gone; its answer is dropped.
                let _ = job.reply.send(answer);
            }
        })
        .await;
        // A panic in the group drops its reply senders: those requests get 500, the task goes on.
        drop(answered);
    }
}
