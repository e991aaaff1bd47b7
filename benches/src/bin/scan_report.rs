//! Robustness of `docseal verify --image`: rendered pages photographed synthetically
//! (docseal-testgen's `photo`), read by docseal-scan and verified, condition by condition.
//! Prints the share read and the decode time per image (median, 95th percentile, maximum):
//! image decoding, the scan with `Scanner::new()` (2D symbols) and verification, one image
//! at a time on one core; then the same with the Code 128 pass that `verify --image` adds.
//!
//! `cargo run --release -p docseal-bench --bin scan_report [-- --per-condition N] [--out DIR]`
//!
//! With `--out DIR` it also writes every photo and `DIR/expected.tsv` (file, condition,
//! expected QR text, docseal's answer, milliseconds), which `scripts/zxing-cpp-check DIR`
//! reads to compare with zxing-cpp on the same photos.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::print_stdout, clippy::cast_precision_loss)]

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, Utc};
use docseal::model::Credential;
use docseal::{Issuer, SigningKey, TrustList, TrustedKey, Verifier};
use docseal_render::{Renderer, Subject, Symbol};
use docseal_scan::Scanner;
use docseal_testgen::photo::{Rng, Shot, photograph};

const WIDTH: u32 = 1600;
const HEIGHT: u32 = 1200;

struct Card {
    name: &'static str,
    payload: String,
    page: docseal_render::Page,
}

fn cards(issuer: &Issuer, verifier: &Verifier, at: DateTime<Utc>) -> Vec<Card> {
    let pass: Credential = docseal::samples::pass_on(NaiveDate::from_ymd_opt(2026, 11, 21).unwrap()).into();
    let documents: [(&str, Credential, Symbol, &str); 4] = [
        ("licence front", docseal::samples::licence().into(), Symbol::Qr, "front"),
        ("passport", docseal::samples::passport().into(), Symbol::Qr, "data-page"),
        ("pass", pass, Symbol::Qr, "pass"),
        ("licence DataMatrix", docseal::samples::licence().into(), Symbol::DataMatrix, "front"),
    ];
    documents
        .into_iter()
        .map(|(name, credential, symbol, page)| {
            let prepared = match &credential {
                Credential::TemporaryPass(p) => issuer.prepare_pass(p, at, &[][..]),
                other => issuer.prepare(other),
            }
            .unwrap();
            let payload = issuer.issue_prepared(&prepared, at).unwrap().text;
            let verified = verifier.verify(&payload, at).unwrap();
            let card =
                Renderer::new().with_symbol(symbol).render(&Subject::verified(&verified, &payload), None).unwrap();
            Card { name, payload, page: card.page(page).unwrap().clone() }
        })
        .collect()
}

/// The conditions: each strong in one respect and mild in the rest.
const CONDITIONS: [&str; 10] = [
    "mild",
    "small (scale 0.3-0.45)",
    "rotated 15-45°",
    "perspective",
    "blur",
    "noise",
    "JPEG q30",
    "low contrast",
    "screen: moire + glare",
    "all at once",
];

fn shot(condition: usize, rng: &mut Rng, seed: u64) -> Shot {
    let mut s = Shot {
        scale: rng.range(0.6, 1.0),
        rotation: rng.range(-8.0, 8.0),
        perspective: rng.range(0.0, 0.03),
        blur: rng.range(0.0, 0.6),
        noise: rng.range(0.0, 4.0),
        contrast: rng.range(0.8, 1.0),
        jpeg_quality: Some(rng.range(70.0, 92.0) as u8),
        ..Shot::clean(WIDTH, HEIGHT, seed)
    };
    match condition {
        1 => s.scale = rng.range(0.3, 0.45),
        2 => s.rotation = rng.range(15.0, 45.0) * if rng.unit() < 0.5 { -1.0 } else { 1.0 },
        3 => s.perspective = rng.range(0.06, 0.12),
        4 => s.blur = rng.range(1.0, 2.0),
        5 => s.noise = rng.range(10.0, 20.0),
        6 => s.jpeg_quality = Some(30),
        7 => s.contrast = rng.range(0.3, 0.45),
        8 => {
            s.moire = rng.range(0.3, 0.7);
            s.glare = rng.range(0.3, 0.6);
        }
        9 => {
            s.scale = rng.range(0.35, 1.0);
            s.rotation = rng.range(-45.0, 45.0);
            s.perspective = rng.range(0.0, 0.08);
            s.blur = rng.range(0.0, 1.2);
            s.noise = rng.range(0.0, 10.0);
            s.contrast = rng.range(0.45, 1.0);
            s.moire = rng.range(0.0, 0.4);
            s.glare = rng.range(0.0, 0.4);
            s.jpeg_quality = Some(rng.range(30.0, 80.0) as u8);
        }
        _ => {}
    }
    s
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1e3)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let per: usize = args.iter().position(|a| a == "--per-condition").map_or(30, |i| args[i + 1].parse().expect("N"));
    let out: Option<PathBuf> = args.iter().position(|a| a == "--out").map(|i| PathBuf::from(&args[i + 1]));
    if let Some(dir) = &out {
        std::fs::create_dir_all(dir).unwrap();
    }
    let at: DateTime<Utc> = "2026-11-21T09:00:00Z".parse().unwrap();
    let key = SigningKey::from_ed25519_seed(&[9; 32]);
    let mut trust = TrustList::new();
    trust.add(TrustedKey::new("Report authority", key.verifying_key()));
    let issuer = Issuer::new(key, "Report authority").unwrap();
    let verifier = Verifier::new(trust);
    let cards = cards(&issuer, &verifier, at);
    let scanner = Scanner::new();
    let with_code128 = Scanner::new().with_code128(true);
    let (mut bar_times, mut bars_read) = (Vec::new(), 0);

    let mut manifest = String::from("file\tcondition\tdocument\texpected\tdocseal_read\tdocseal_ms\n");
    let mut rows = Vec::new();
    let mut all_times = Vec::new();
    let (mut all_read, mut all_count, mut timed_out) = (0, 0, 0);
    println!(
        "{} photos of {WIDTH}x{HEIGHT} ({:.1} MP), {per} per condition\n",
        per * CONDITIONS.len(),
        f64::from(WIDTH * HEIGHT) / 1e6
    );
    for (c, condition) in CONDITIONS.iter().enumerate() {
        let mut times = Vec::new();
        let mut read = 0;
        for i in 0..per {
            let seed = (c * 1000 + i) as u64;
            let card = &cards[i % cards.len()];
            let mut rng = Rng::new(seed ^ 0x5eed);
            let shot = shot(c, &mut rng, seed);
            let raster = card.page.rasterise(shot.page_pixels_wanted() / 1000.0).unwrap();
            let page = image::GrayImage::from_raw(raster.width, raster.height, raster.to_luma()).unwrap();
            let (_, bytes) = photograph(&page, &shot).unwrap();
            // Timed: what `docseal verify --image` does with the file's bytes.
            let start = Instant::now();
            let image = docseal_scan::decode_image(&bytes, docseal_scan::DEFAULT_MAX_PIXELS).unwrap();
            let scanned = scanner.scan(&image);
            let ok = scanned.as_ref().is_ok_and(|codes| {
                codes.iter().any(|code| {
                    code.symbology.is_2d() && code.text == card.payload && verifier.verify(&code.text, at).is_ok()
                })
            });
            let took = start.elapsed();
            // The same photo with the Code 128 pass as `docseal verify --image` runs it.
            let start = Instant::now();
            let with_bars = with_code128.scan(&image);
            bar_times.push(took + start.elapsed());
            bars_read += usize::from(with_bars.is_ok_and(|codes| {
                codes.iter().any(|c| c.symbology == docseal_scan::Symbology::Code128 && c.text.starts_with("DSR1/"))
            }));
            if matches!(scanned, Err(docseal_scan::ScanError::TimedOut { .. })) {
                timed_out += 1;
            }
            read += usize::from(ok);
            times.push(took);
            if let Some(dir) = &out {
                let ext = if shot.jpeg_quality.is_some() { "jpg" } else { "png" };
                let file = format!("{c:02}-{i:03}.{ext}");
                std::fs::write(dir.join(&file), &bytes).unwrap();
                let _ = writeln!(manifest, "{file}\t{condition}\t{}\t{}\t{ok}\t{}", card.name, card.payload, ms(took));
            }
        }
        times.sort();
        println!(
            "{condition:<24} {read:>3}/{per:<3} {:>5.1}%  median {:>6} ms  p95 {:>6} ms  max {:>6} ms",
            100.0 * read as f64 / per as f64,
            ms(percentile(&times, 0.5)),
            ms(percentile(&times, 0.95)),
            ms(percentile(&times, 1.0))
        );
        rows.push((condition, read, times.clone()));
        all_read += read;
        all_count += per;
        all_times.extend(times);
    }
    all_times.sort();
    println!(
        "{:<24} {all_read:>3}/{all_count:<3} {:>5.1}%  median {:>6} ms  p95 {:>6} ms  max {:>6} ms  ({timed_out} over the {} ms limit)",
        "all",
        100.0 * all_read as f64 / all_count as f64,
        ms(percentile(&all_times, 0.5)),
        ms(percentile(&all_times, 0.95)),
        ms(percentile(&all_times, 1.0)),
        2000
    );
    bar_times.sort();
    println!(
        "\nwith the Code 128 pass (docseal verify --image): reference read in {bars_read}/{all_count}, median {} ms, p95 {} ms, max {} ms",
        ms(percentile(&bar_times, 0.5)),
        ms(percentile(&bar_times, 0.95)),
        ms(percentile(&bar_times, 1.0))
    );
    if let Some(dir) = &out {
        std::fs::write(dir.join("expected.tsv"), manifest).unwrap();
        println!("\nphotos and expected.tsv written to {}", dir.display());
    }
}
