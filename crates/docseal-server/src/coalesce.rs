//! Single `DS1:` requests verified together: while one group is being verified, the requests
//! that arrive wait in a queue and go as the next group, through the library's bulk path
//! (Ed25519 signatures checked in batches, about a third of the cost of one alone). Nothing
//! waits for a group to fill: an idle service verifies each request as it comes.
//!
//! Only requests without their own time or questions are grouped (they share the group's
//! verification time, taken when it starts); the bulk path's answers equal the single
//! path's, which the core's tests hold.

use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};

use crate::state::Current;

/// Requests in one group at most: about 3 ms of verification on one core.
const GROUP: usize = 128;

pub(crate) struct Job {
    pub(crate) text: String,
    pub(crate) reply: oneshot::Sender<(&'static str, Vec<u8>)>,
}

/// Starts the grouping task; the sender is what the route posts to.
pub(crate) fn start(current: Arc<Current>) -> mpsc::Sender<Job> {
    let (sender, receiver) = mpsc::channel(4 * GROUP);
    tokio::spawn(run(current, receiver));
    sender
}

async fn run(current: Arc<Current>, mut receiver: mpsc::Receiver<Job>) {
    while let Some(first) = receiver.recv().await {
        // The request tasks already woken run first, so that they join this group.
        tokio::task::yield_now().await;
        let mut jobs = vec![first];
        while jobs.len() < GROUP {
            match receiver.try_recv() {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
        let loaded = current.get();
        // Verified here, on the async worker: handing each group to a blocking thread cost two
        // thread switches per group, a quarter of the service's time on one core (12,060 against
        // 17,200 requests/s, `scripts/serve-load`). A group is bounded (GROUP credentials, a few
        // milliseconds) and the runtime's other workers take over this one's waiting tasks.
        let verified = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let texts: Vec<&str> = jobs.iter().map(|j| j.text.trim()).collect();
            let results = loaded.verifier().verify_many(&texts, chrono::Utc::now());
            results.iter().map(|r| (crate::answer::verdict_kind(r), crate::answer::answer_bytes(r))).collect::<Vec<_>>()
        }));
        // After a panic the group's reply senders are dropped: those requests get 500, and
        // the task goes on with the next group.
        if let Ok(answers) = verified {
            for (job, answer) in jobs.into_iter().zip(answers) {
                // The client may have gone; its answer is dropped.
                let _ = job.reply.send(answer);
            }
        }
    }
}
