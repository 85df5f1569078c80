// The session page's live part: speaks the session protocol over /ws/sessions/<id>/.
// Every agent or person text is inserted with textContent, never as HTML: a <script> from
// the agent shows as text. Code highlighting comes from the server as [class, text] tokens.

const root = document.getElementById("session");

const sessionId = root.dataset.sessionId;
const readOnly = root.dataset.readOnly === "true";
const kind = root.dataset.kind;
const mode = root.dataset.mode;
const ownerName = root.dataset.owner;
const targetUrl = root.dataset.targetUrl;
const segmentsUrl = (index) => root.dataset.segmentsUrl.replace(/0\.json$/, `${index}.json`);
let textLimit = Number(root.dataset.textLimit);
let lastSeen = Number(root.dataset.lastIndex);
let status = root.dataset.status;

const transcript = document.getElementById("transcript");
const connection = document.getElementById("connection");
const statusBadge = document.getElementById("session-status");
const turnCount = document.getElementById("turn-count");
const errorBox = document.getElementById("session-error");
const errorText = document.getElementById("session-error-text");
const retryButton = document.getElementById("retry-button");
const composer = document.getElementById("composer");
const textarea = document.getElementById("composer-text");
const counter = document.getElementById("composer-count");
const sendButton = document.getElementById("send-button");
const endButton = document.getElementById("end-button");
const endCard = document.getElementById("end-card");
const resultCard = document.getElementById("result");
const ratingCard = document.getElementById("rating");

let socket = null;
let closedForGood = false;
let backoff = 500;
let generating = null; // index of the agent turn being generated, or null
let pending = null; // {client_id, text} sent but not acknowledged yet
let maxAgentTurns = 10;

const STATUS_LABELS = { active: "Active", scoring: "Scoring", finished: "Finished" };

function newClientId() {
  if (window.crypto && typeof window.crypto.randomUUID === "function") {
    return window.crypto.randomUUID();
  }
  const bytes = new Uint8Array(16);
  window.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

// -- the transcript ---------------------------------------------------------------------------

function whoOf(turn) {
  if (turn.role === "assistant") return "Agent";
  if (turn.index === 0) return "Task";
  if (turn.client_id) return ownerName;
  return ownerName === "Simulator" ? "Simulator" : "Protocol";
}

function renderSegments(body, parts) {
  body.replaceChildren();
  for (const part of parts) {
    if (part.kind === "code") {
      const pre = el("pre", "hl");
      pre.tabIndex = 0;
      pre.setAttribute("aria-label", `${part.language} code`);
      const code = el("code");
      for (const [css, text] of part.tokens) {
        if (css) code.append(el("span", css, text));
        else code.append(document.createTextNode(text));
      }
      pre.append(code);
      body.append(pre);
    } else {
      body.append(el("p", "prose", part.text));
    }
  }
}

function turnItem(index, role) {
  let item = document.getElementById(`turn-${index}`);
  if (item) return item;
  item = el("li", `turn turn-${role}`);
  item.id = `turn-${index}`;
  item.dataset.index = String(index);
  const meta = el("div", "turn-meta");
  meta.append(el("span", "who"), el("span", "muted small meta-detail"));
  item.append(meta, el("div", "turn-body"));
  // keep the list in index order whatever order messages arrive in
  const after = Array.from(transcript.children).find((n) => Number(n.dataset.index) > index);
  transcript.insertBefore(item, after || null);
  return item;
}

function setMeta(item, turn) {
  item.querySelector(".who").textContent = whoOf(turn);
  const bits = [`#${turn.index}`];
  if (turn.role === "assistant") {
    if (turn.model_version) bits.push(turn.model_version);
    if (turn.latency_ms !== undefined && turn.latency_ms !== null) bits.push(`${turn.latency_ms} ms`);
  }
  item.querySelector(".meta-detail").textContent = bits.join(" · ");
}

function showTurn(turn) {
  const item = turnItem(turn.index, turn.role);
  item.classList.remove("is-streaming");
  setMeta(item, turn);
  const body = item.querySelector(".turn-body");
  renderSegments(body, [{ kind: "text", text: turn.content }]);
  if (turn.role === "assistant") highlight(turn.index, body);
  if (turn.image_url) showShot(turn.index, turn.image_url);
  lastSeen = Math.max(lastSeen, turn.index);
  updateCounts();
}

async function highlight(index, body) {
  try {
    const response = await fetch(segmentsUrl(index), { credentials: "same-origin" });
    if (!response.ok) return;
    const data = await response.json();
    renderSegments(body, data.segments);
  } catch (error) {
    // the plain text stays; highlighting is a nicety
  }
}

function figure(caption, url, alt) {
  const fig = el("figure", "shot");
  fig.append(el("figcaption", null, caption));
  const link = el("a");
  link.href = url;
  link.target = "_blank";
  link.rel = "noopener";
  const img = el("img");
  img.src = url;
  img.alt = alt;
  link.append(img);
  fig.append(link);
  return fig;
}

function showShot(index, url, error) {
  const item = turnItem(index, "assistant");
  let shots = item.querySelector(".shots");
  if (!shots) {
    shots = el("div", "shots");
    item.append(shots);
  }
  shots.replaceChildren();
  if (url) {
    shots.append(figure("The agent's page", url, `Screenshot of the page the agent proposed in turn ${index}`));
  } else {
    const fig = el("figure", "shot");
    fig.append(el("figcaption", null, "The agent's page"), el("p", "muted", `The page could not be rendered: ${error || "no page"}`));
    shots.append(fig);
  }
  if (targetUrl) shots.append(figure("Your target page", targetUrl, "Screenshot of the target page you have in mind"));
}

function startStreaming(index, modelVersion, text) {
  const item = turnItem(index, "assistant");
  item.classList.add("is-streaming");
  setMeta(item, { index, role: "assistant", model_version: modelVersion });
  const body = item.querySelector(".turn-body");
  if (!body.querySelector(".prose")) body.replaceChildren(el("p", "prose", text || ""));
  else if (text) body.querySelector(".prose").textContent = text;
  generating = index;
  updateControls();
}

function appendDelta(index, text, offset) {
  const item = document.getElementById(`turn-${index}`) || (startStreaming(index, null, ""), document.getElementById(`turn-${index}`));
  const prose = item.querySelector(".prose") || item.querySelector(".turn-body").appendChild(el("p", "prose", ""));
  const current = prose.textContent;
  prose.textContent = typeof offset === "number" ? current.slice(0, offset) + text : current + text;
  generating = index;
}

function updateCounts() {
  const agentTurns = transcript.querySelectorAll(".turn-assistant:not(.is-streaming)").length;
  if (turnCount) turnCount.textContent = `${agentTurns} of ${maxAgentTurns} agent turns`;
}

// -- status, result, errors ----------------------------------------------------------------------

function setStatus(value) {
  status = value;
  if (statusBadge) {
    statusBadge.textContent = STATUS_LABELS[value] || value;
    statusBadge.className = `badge badge-${value}`;
  }
  if (composer) composer.hidden = status !== "active";
  if (endCard) endCard.hidden = status !== "active";
  updateControls();
}

function showResult(result) {
  setStatus("finished");
  const details = result.details || {};
  let headline = "No result";
  const shown = document.getElementById("result-headline");
  if (mode === "own_request") headline = shown.textContent.trim() || "Finished: rate the outcome below";
  else if (details.tests_total !== undefined) headline = `Tests passed ${details.tests_passed}/${details.tests_total}`;
  else if (result.reward !== null && result.reward !== undefined) headline = `Similarity ${Number(result.reward).toFixed(3)}`;
  shown.textContent = headline;
  const bits = [];
  if (result.metric && result.metric !== "human-rating") bits.push(`metric ${result.metric}`);
  if (details.ended_by) bits.push(`ended by ${details.ended_by}`);
  document.getElementById("result-detail").textContent = bits.join(" · ");
  resultCard.hidden = false;
  if (ratingCard) ratingCard.hidden = false;
}

function showError(message, withRetry) {
  errorText.textContent = message;
  retryButton.hidden = !withRetry || readOnly;
  errorBox.hidden = false;
}

function clearError() {
  errorBox.hidden = true;
  retryButton.hidden = true;
}

function onError(message) {
  switch (message.code) {
    case "rate_limited":
      showError(`${message.message}. Try again in ${message.retry_after || 1} s.`, false);
      pending = null;
      break;
    case "backend_unavailable":
      showError(message.message || "The agent's model is unavailable; your message is kept.", true);
      generating = null;
      break;
    case "internal":
      showError(message.message, message.index !== undefined);
      generating = null;
      break;
    case "forbidden":
      closedForGood = true;
      showError(message.message || "This session is not yours.", false);
      break;
    case "not_your_turn":
    case "finished":
      pending = null;
      if (status === "scoring" && message.code === "not_your_turn") setStatus("active");
      showError(message.message, false);
      break;
    case "too_long":
    case "bad_message":
    case "read_only":
      pending = null;
      showError(message.message, false);
      break;
    default:
      showError(message.message || "Something went wrong.", false);
  }
  updateControls();
}

// -- the protocol --------------------------------------------------------------------------------

function onState(state) {
  const session = state.session;
  textLimit = session.text_limit;
  maxAgentTurns = session.max_agent_turns;
  for (const turn of state.turns) showTurn(turn);
  lastSeen = Math.max(lastSeen, state.last_index);
  generating = null;
  if (state.generating) startStreaming(state.generating.index, state.generating.model_version, state.generating.text);
  if (state.failed) {
    showError(state.failed.code === "backend_unavailable"
      ? "The agent's model is unavailable; your message is kept."
      : "The agent's turn failed.", true);
  }
  setStatus(session.status);
  if (state.result) showResult(state.result);
  if (pending) send({ type: "say", client_id: pending.client_id, text: pending.text });
  updateCounts();
}

const handlers = {
  state: onState,
  ack(message) {
    if (pending && pending.client_id === message.client_id) {
      const sent = pending;
      pending = null;
      textarea.value = "";
      updateCounter();
      if (!document.getElementById(`turn-${message.index}`)) {
        showTurn({ index: message.index, role: "user", content: sent.text, client_id: sent.client_id });
      }
    }
    updateControls();
  },
  turn(message) {
    showTurn(message);
    updateControls();
  },
  agent_start(message) {
    clearError();
    startStreaming(message.index, message.model_version, "");
  },
  agent_delta(message) {
    appendDelta(message.index, message.text, message.offset);
  },
  agent_done(message) {
    generating = null;
    showTurn({ index: message.index, role: "assistant", content: message.content,
               model_version: message.model_version, latency_ms: message.latency_ms });
    updateControls();
  },
  render(message) {
    showShot(message.index, message.image_url, message.error);
  },
  finished: showResult,
  error: onError,
  rated() {},
};

function send(message) {
  if (socket && socket.readyState === WebSocket.OPEN) {
    socket.send(JSON.stringify(message));
    return true;
  }
  return false;
}

function setConnection(text, state) {
  connection.textContent = text;
  connection.classList.toggle("is-live", state === "live");
  connection.classList.toggle("is-down", state === "down");
}

function connect() {
  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  const url = `${scheme}://${window.location.host}${root.dataset.wsPath}?after=${lastSeen}`;
  socket = new WebSocket(url);
  socket.addEventListener("open", () => {
    backoff = 500;
    setConnection(readOnly ? "Live (watching)" : "Live", "live");
  });
  socket.addEventListener("message", (event) => {
    let message;
    try {
      message = JSON.parse(event.data);
    } catch (error) {
      return;
    }
    const handler = handlers[message.type];
    if (handler) handler(message);
  });
  socket.addEventListener("close", (event) => {
    socket = null;
    updateControls();
    if (closedForGood || event.code === 4403) {
      setConnection("Closed", "down");
      return;
    }
    setConnection("Reconnecting…", "down");
    window.setTimeout(connect, backoff);
    backoff = Math.min(backoff * 2, 8000);
  });
}

// -- the composer ----------------------------------------------------------------------------------

function awaitingPerson() {
  const items = transcript.querySelectorAll(".turn");
  const last = items[items.length - 1];
  return Boolean(last) && last.classList.contains("turn-assistant") && !last.classList.contains("is-streaming");
}

function updateCounter() {
  if (!textarea) return;
  const length = textarea.value.length;
  counter.textContent = `${length} / ${textLimit}`;
  counter.classList.toggle("is-over", length > textLimit);
}

function updateControls() {
  if (readOnly || !textarea) return;
  const open = Boolean(socket) && socket.readyState === WebSocket.OPEN;
  const active = status === "active";
  const myTurn = active && generating === null && awaitingPerson();
  textarea.disabled = !active;
  textarea.placeholder = myTurn ? "Answer the agent…" : (active ? "Waiting for the agent…" : "");
  const length = textarea.value.length;
  sendButton.disabled = !(open && myTurn && !pending && textarea.value.trim() && length <= textLimit);
  if (endButton) endButton.disabled = !(open && active && generating === null);
}

function submit() {
  const text = textarea.value;
  if (!text.trim() || text.length > textLimit || pending) return;
  clearError();
  pending = { client_id: newClientId(), text };
  send({ type: "say", client_id: pending.client_id, text });  // resent on reconnect until ack
  updateControls();
}

if (composer && !readOnly) {
  composer.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!sendButton.disabled) submit();
  });
  textarea.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      if (!sendButton.disabled) submit();
    }
  });
  textarea.addEventListener("input", () => {
    updateCounter();
    updateControls();
  });
  updateCounter();
}

if (endButton) {
  endButton.addEventListener("click", () => {
    clearError();
    if (send({ type: "end" })) setStatus("scoring");  // `finished` follows once it is scored
  });
}

retryButton.addEventListener("click", () => {
  clearError();
  send({ type: "retry" });
});

connect();
