// The desk page's logic. scripts/build-web puts it in one module script after the
// wasm-bindgen glue (which defines `Desk` and `initSync`) and the module's bytes
// (`DESK_WASM_BASE64`), so the page works from file:// as well as over HTTP, with no request.

const $ = (id) => document.getElementById(id);
const STORE = { trust: "docseal.trust", anchor: "docseal.anchor", status: "docseal.status" };

function bytesFromBase64(text) {
  const raw = atob(text);
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

function base64FromBytes(bytes) {
  let raw = "";
  for (let i = 0; i < bytes.length; i += 0x8000) raw += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(raw);
}

initSync({ module: bytesFromBase64(DESK_WASM_BASE64) });
const desk = new Desk();

function now() {
  const asked = $("verify-at").value.trim();
  return asked === "" ? new Date().toISOString() : asked;
}

function say(id, text, bad = false) {
  $(id).textContent = text;
  $(id).classList.toggle("bad", bad);
}

async function fileBytes(input) {
  return new Uint8Array(await input.arrayBuffer());
}

// Trust: the list (and anchor) are kept in the browser's storage and loaded again at start.
function loadTrust(bytes, anchor, remember) {
  try {
    const summary = JSON.parse(desk.loadTrust(bytes, anchor, now()));
    const how = summary.signed
      ? `signed list of ${summary.provider}, sequence ${summary.sequence}, next update ${summary.next_update}` +
        (summary.overdue ? " (OVERDUE: ask for a newer list)" : "")
      : "JSON list (not signed)";
    say("trust-state", `Trusted: ${summary.keys.join(", ")}; ${how}.`, summary.overdue);
    if (remember) {
      localStorage.setItem(STORE.trust, base64FromBytes(bytes));
      if (anchor === undefined) localStorage.removeItem(STORE.anchor);
      else localStorage.setItem(STORE.anchor, anchor);
      localStorage.removeItem(STORE.status);
    }
    showStatusState();
    return true;
  } catch (e) {
    say("trust-state", `${e.message} (the previous trust list stays)`, true);
    return false;
  }
}

function storedStatus() {
  return JSON.parse(localStorage.getItem(STORE.status) || "[]");
}

function showStatusState() {
  const n = desk.statusListCount();
  say("status-state", n === 0 ? "No status list loaded." : `${n} status list${n === 1 ? "" : "s"} loaded.`);
}

function addStatus(bytes, remember) {
  try {
    const added = JSON.parse(desk.addStatusList(bytes));
    if (remember) localStorage.setItem(STORE.status, JSON.stringify([...storedStatus(), base64FromBytes(bytes)]));
    showStatusState();
    $("status-state").textContent += ` Last: ${added.uri}, signed by ${added.signer} at ${added.issued_at}.`;
  } catch (e) {
    say("status-state", e.message, true);
  }
}

function restore() {
  const trust = localStorage.getItem(STORE.trust);
  if (trust === null) return;
  const anchor = localStorage.getItem(STORE.anchor);
  if (loadTrust(bytesFromBase64(trust), anchor === null ? undefined : anchor, false)) {
    for (const token of storedStatus()) addStatus(bytesFromBase64(token), false);
  }
}

function setQuestions() {
  try {
    desk.setRequirements(
      $("req-class").value.trim(),
      Number($("req-age").value || 0),
      $("req-mode").value,
      $("req-type").value,
      "",
    );
    say("question-state", "");
    return true;
  } catch (e) {
    say("question-state", e.message, true);
    return false;
  }
}

function showVerdict(answer) {
  const verdict = $("verdict");
  verdict.replaceChildren();
  let headline;
  let detail;
  if (answer.valid && answer.usable !== false) {
    verdict.dataset.verdict = "valid";
    headline = "VALID";
    detail = `${answer.document_type}, issued by ${answer.issuer}`;
  } else if (answer.valid) {
    verdict.dataset.verdict = "not-usable";
    headline = "GENUINE, NOT USABLE";
    detail = answer.not_usable.reason;
  } else {
    verdict.dataset.verdict = "refused";
    headline = "REFUSED";
    detail = `${answer.error.kind}: ${answer.error.message}`;
  }
  verdict.dataset.kind = answer.valid ? "" : answer.error.kind;
  verdict.append(headline);
  const small = document.createElement("small");
  small.textContent = detail;
  verdict.append(small);
  const list = $("checks");
  list.replaceChildren();
  for (const check of answer.checks || []) {
    const item = document.createElement("li");
    item.textContent = `${check.check}: ${check.detail}`;
    if (!check.passed) item.className = "failed";
    list.append(item);
  }
}

// The pages are SVG drawn by the library from the payload; a payload that did not verify is
// drawn with the UNVERIFIED watermark, and nothing at all when it does not decode.
function showPages(text, at) {
  const pages = $("pages");
  pages.replaceChildren();
  let drawn;
  try {
    drawn = JSON.parse(desk.render(text, at));
  } catch {
    return;
  }
  for (const page of drawn) {
    const figure = document.createElement("figure");
    const svg = new DOMParser().parseFromString(page.svg, "image/svg+xml").documentElement;
    figure.append(document.importNode(svg, true));
    const caption = document.createElement("figcaption");
    caption.textContent = page.name;
    figure.append(caption);
    pages.append(figure);
  }
}

function verify(text) {
  if (!setQuestions()) return;
  const at = now();
  const answer = JSON.parse(desk.verify(text, at));
  showVerdict(answer);
  showPages(text.trim(), at);
}

// The pixels of an image or video frame, at most `maxSide` pixels on the longer side (the
// reader works on a reduced copy of larger photos anyway).
function pixelsOf(source, width, height, maxSide) {
  const scale = Math.min(1, maxSide / Math.max(1, width, height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.max(1, Math.round(width * scale));
  canvas.height = Math.max(1, Math.round(height * scale));
  const context = canvas.getContext("2d", { willReadFrequently: true });
  context.fillStyle = "#fff"; // transparent pixels read as white paper, not black
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(source, 0, 0, canvas.width, canvas.height);
  return context.getImageData(0, 0, canvas.width, canvas.height);
}

async function readFile(file) {
  let frame;
  try {
    const bitmap = await createImageBitmap(file);
    frame = pixelsOf(bitmap, bitmap.width, bitmap.height, 4000);
    bitmap.close();
  } catch {
    say("read-state", `${file.name}: not an image this browser can open`, true);
    return;
  }
  try {
    const text = Desk.readPixels(frame.data, frame.width, frame.height);
    $("payload").value = text;
    say("read-state", `Code read from ${file.name}.`);
    verify(text);
  } catch (e) {
    say("read-state", `${file.name}: ${e.message}`, true);
  }
}

// The camera: frames at most 1280 pixels wide, read a few times a second until a code is found.
let stream = null;
async function camera() {
  if (stream !== null) return stopCamera();
  const video = $("camera");
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
  } catch (e) {
    say("read-state", `No camera: ${e.message}`, true);
    stream = null;
    return;
  }
  video.srcObject = stream;
  video.hidden = false;
  await video.play();
  $("camera-button").textContent = "Stop the camera";
  const tick = () => {
    if (stream === null) return;
    if (video.videoWidth > 0 && video.videoHeight > 0) {
      const frame = pixelsOf(video, video.videoWidth, video.videoHeight, 1280);
      try {
        const text = Desk.readPixels(frame.data, frame.width, frame.height);
        stopCamera();
        $("payload").value = text;
        verify(text);
        return;
      } catch {
        // No code in this frame: try the next one.
      }
    }
    setTimeout(tick, 250);
  };
  tick();
}

function stopCamera() {
  if (stream !== null) for (const track of stream.getTracks()) track.stop();
  stream = null;
  $("camera").hidden = true;
  $("camera-button").textContent = "Use the camera";
}

// Verification time in this page: each payload of a file verified one by one, as the desk does.
async function measure(input) {
  const lines = new TextDecoder().decode(await fileBytes(input)).split("\n").map((l) => l.trim()).filter((l) => l);
  if (!setQuestions() || lines.length === 0) return;
  const at = now();
  let valid = 0;
  const started = performance.now();
  for (const line of lines) if (JSON.parse(desk.verify(line, at)).valid) valid++;
  const perPayload = (performance.now() - started) / lines.length;
  const out = $("bench-result");
  out.dataset.perPayloadMs = perPayload.toFixed(4);
  out.dataset.count = String(lines.length);
  out.dataset.valid = String(valid);
  out.textContent = `${lines.length} payloads, ${valid} valid: ${perPayload.toFixed(3)} ms per payload (verify and JSON answer).`;
}

$("trust-file").addEventListener("change", async (event) => {
  const file = event.target.files[0];
  if (!file) return;
  const anchorFile = $("anchor-file").files[0];
  const anchor = anchorFile ? await anchorFile.text() : undefined;
  loadTrust(await fileBytes(file), anchor, true);
});
$("status-files").addEventListener("change", async (event) => {
  for (const file of event.target.files) addStatus(await fileBytes(file), true);
});
$("status-clear").addEventListener("click", () => {
  desk.clearStatusLists();
  localStorage.removeItem(STORE.status);
  showStatusState();
});
$("verify-button").addEventListener("click", () => verify($("payload").value));
$("image-file").addEventListener("change", async (event) => {
  if (event.target.files[0]) await readFile(event.target.files[0]);
});
$("camera-button").addEventListener("click", camera);
$("bench-file").addEventListener("change", (event) => {
  if (event.target.files[0]) measure(event.target.files[0]);
});

restore();
document.body.dataset.ready = "true";
