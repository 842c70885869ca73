// Agent console. The server pushes what changes (server-sent events, /api/events): the page
// fetches only what an event says changed, and never polls. Every text from a chat is set
// with textContent: nothing a shopper types becomes HTML. Codes (states, reasons, intents,
// actions, channels) are named by /api/labels, which the owner's report shares.
"use strict";

const TEXT = {
  customer: "Müşteri",
  assistant: "Asistan",
  note: "İç not",
  noCustomer: "Doğrulanmış müşteri yok.",
  orders: "Siparişler",
  returns: "İadeler",
  overdue: "İADE GECİKTİ",
  summary: "Asistanın özeti",
  tried: "Asistanın denedikleri",
  intents: "Müşterinin istekleri",
  order: "Sipariş",
  callback: "Geri arama",
  history: "Müşterinin önceki talepleri",
  noHistory: "Önceki talep yok.",
  noTranscript: "Konuşma geçmişine şu an ulaşılamıyor.",
  template: " (şablon mesaj olarak gönderildi)",
  claim: "Üstlen",
  open: "Aç",
  place: "{n}. sırada",
  waited: "bekleme {t}",
  handled: "görüşme {t}",
  ago: "{t} önce",
  alsoOpen: "Dikkat: bu sohbet başka bir temsilcide de açık: {names}.",
  taken: "Bu sohbeti başka bir temsilci üstlendi.",
  notYours: "Bu sohbet size ait değil; yalnızca okuyabilir ve not ekleyebilirsiniz.",
  toAgent: "{name} temsilcisine aktar",
  noAgents: "Çevrimiçi başka temsilci yok",
  found: "{n} sonuç",
  emptyFolder: "Burada sohbet yok.",
  newChat: "Yeni sohbet bekliyor",
  notifyOn: "Bildirimler açık",
  removeTag: "{tag} etiketini kaldır",
  edit: "Düzenle",
  remove: "Sil",
  minutes: "{m} dk",
  hours: "{h} sa {m} dk",
  seconds: "{s} sn",
  unreachable: "Sunucuya ulaşılamıyor; yeniden bağlanılıyor…",
};

const state = {
  csrf: "", me: null, names: {}, current: null, detail: null, folder: "waiting",
  seenWaiting: null, stream: null, lastTypingSent: 0, typingTimer: 0, canned: [],
  chatRequests: 0, // only the latest request's answer is drawn: answers may overtake
};

const $ = (id) => document.getElementById(id);
const fill = (template, values) => template.replace(/\{(\w+)\}/g, (_, k) => String(values[k]));
const nameOf = (kind, code) => ((state.names[kind] || {})[code]) || code;
const number = (value, digits = 1) => Number(value).toLocaleString("tr-TR", { maximumFractionDigits: digits });
const percent = (value) => Number(value).toLocaleString("tr-TR", { style: "percent", maximumFractionDigits: 1 });

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = text;
  if (cls) node.className = cls;
  return node;
}

function button(text, onClick, cls) {
  const node = el("button", text, cls);
  node.type = "button";
  node.addEventListener("click", onClick);
  return node;
}

async function api(path, options = {}) {
  const init = { credentials: "same-origin", ...options, headers: { ...(options.headers || {}) } };
  if (init.method && init.method !== "GET") {
    init.headers["X-CSRF-Token"] = state.csrf;
    init.headers["Content-Type"] = "application/json";
  }
  const response = await fetch(path, init);
  if (response.status === 401) { window.location = "/login"; throw new Error("login"); }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error || response.statusText);
  return body;
}

async function post(path, body) {
  try {
    const answer = await api(path, { method: "POST", body: JSON.stringify(body || {}) });
    showError("");
    return answer;
  } catch (error) {
    showError(error.message === "already taken" ? TEXT.taken : error.message);
    return null;
  }
}

function showError(message) { $("error").textContent = message || ""; }

// ---- times ---------------------------------------------------------------------------------

function duration(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return fill(TEXT.seconds, { s });
  const m = Math.floor(s / 60);
  return m < 60 ? fill(TEXT.minutes, { m }) : fill(TEXT.hours, { h: Math.floor(m / 60), m: m % 60 });
}

/** A <time> that shows the clock (and the day, if not today), full moment on hover. */
function moment(iso) {
  const when = new Date(typeof iso === "number" ? iso * 1000 : iso);
  const node = el("time");
  node.dateTime = when.toISOString();
  const today = new Date().toDateString() === when.toDateString();
  node.textContent = when.toLocaleString("tr-TR", today
    ? { hour: "2-digit", minute: "2-digit" }
    : { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
  node.title = when.toLocaleString("tr-TR", { dateStyle: "full", timeStyle: "medium" });
  return node;
}

/** Elements with data-since (and data-template) count up every second, locally. */
function tickTimers() {
  for (const node of document.querySelectorAll("[data-since]")) {
    const end = node.dataset.until ? Date.parse(node.dataset.until) : Date.now();
    node.textContent = fill(node.dataset.template, { t: duration(end - Date.parse(node.dataset.since)) });
  }
}

function timer(since, template, until) {
  const node = el("span", "", "timer");
  node.dataset.since = since;
  node.dataset.template = template;
  if (until) node.dataset.until = until;
  return node;
}

// ---- labels and indicators -----------------------------------------------------------------

function sentimentPill(label) {
  return el("span", nameOf("sentiment", label), "pill sentiment-" + label);
}

/** The shopper's mood: the latest as a word, the trail as coloured dots with words. */
function sentimentView(trail) {
  const box = el("span");
  if (!trail || !trail.length) return box;
  box.append(sentimentPill(trail[trail.length - 1]));
  const dots = el("span", undefined, "trail");
  dots.setAttribute("role", "img");
  dots.setAttribute("aria-label", trail.map((s) => nameOf("sentiment", s)).join(", "));
  for (const s of trail.slice(-8)) dots.append(el("i", undefined, "t-" + s));
  box.append(dots);
  return box;
}

// ---- the inbox -----------------------------------------------------------------------------

function ticketItem(ticket, folder) {
  const item = el("li", undefined, "p" + ticket.priority);
  if (ticket.id === state.current) item.classList.add("current");
  item.dataset.ticket = ticket.id;
  const title = el("strong", nameOf("reasons", ticket.reason) + " · #" + ticket.id + " ");
  title.append(sentimentView(ticket.sentiment));
  item.append(title);
  if (ticket.summary && ticket.summary.last_message) {
    item.append(el("div", "“" + ticket.summary.last_message + "”", "quote"));
  }
  const meta = el("small");
  const parts = [nameOf("channels", ticket.channel)];
  if (ticket.position) parts.push(fill(TEXT.place, { n: ticket.position }));
  if (ticket.tags && ticket.tags.length) parts.push("#" + ticket.tags.join(" #"));
  meta.append(parts.join(" · ") + " · ");
  if (folder === "resolved" || ticket.resolved_at) meta.append(moment(ticket.resolved_at || ticket.created_at));
  else meta.append(timer(ticket.created_at, TEXT.ago));
  item.append(meta);
  const canClaim = folder === "waiting";
  const action = button(canClaim ? TEXT.claim : TEXT.open, () => (canClaim ? claim(ticket.id) : open(ticket.id)));
  action.dataset.action = canClaim ? "claim" : "open";
  action.setAttribute("aria-label", (canClaim ? TEXT.claim : TEXT.open) + " #" + ticket.id);
  item.append(action);
  return item;
}

function fillList(id, tickets, folder) {
  const list = $(id);
  const items = tickets.map((t) => ticketItem(t, folder));
  if (!items.length) items.push(el("li", TEXT.emptyFolder, "empty-list"));
  list.replaceChildren(...items);
}

async function refreshQueue() {
  const data = await api("/api/queue");
  fillList("waiting", data.waiting, "waiting");
  fillList("mine", data.mine, "mine");
  fillList("resolved", data.resolved, "resolved");
  $("n-waiting").textContent = data.waiting.length;
  $("n-mine").textContent = data.mine.length;
  announceNew(data.waiting);
  const targets = data.agents.map((a) => {
    const item = el("li");
    item.append(button(fill(TEXT.toAgent, { name: a.name }), () => transfer(a.id)));
    return item;
  });
  if (!targets.length) targets.push(el("li", TEXT.noAgents, "empty-list"));
  $("transfer-to").replaceChildren(...targets);
  tickTimers();
}

async function refreshDashboard() {
  const d = await api("/api/dashboard");
  const show = (id, value) => { $(id).textContent = value === null || value === undefined ? "–" : value; };
  show("d-waiting", d.waiting);
  show("d-wait", d.median_wait_minutes === null ? null : number(d.median_wait_minutes));
  show("d-rate", d.handoff_rate === null ? null : percent(d.handoff_rate));
  show("d-csat", d.csat_today === null ? null : number(d.csat_today, 2));
}

function selectFolder(folder) {
  state.folder = folder;
  for (const tab of document.querySelectorAll("#folders [role=tab]")) {
    const on = tab.dataset.folder === folder;
    tab.setAttribute("aria-selected", String(on));
    $("panel-" + tab.dataset.folder).hidden = !on || !$("results").hidden;
  }
}

async function search(text) {
  const data = await api("/api/search?q=" + encodeURIComponent(text));
  $("results-count").textContent = fill(TEXT.found, { n: data.tickets.length });
  fillList("found", data.tickets, "search");
  $("results").hidden = false;
  for (const id of ["waiting", "mine", "resolved"]) $("panel-" + id).hidden = true;
}

// ---- notifications -------------------------------------------------------------------------

let audio = null;

function chime() {
  if (!audio) return;
  const tone = audio.createOscillator();
  const gain = audio.createGain();
  tone.frequency.value = 880;
  gain.gain.setValueAtTime(0.15, audio.currentTime);
  gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.6);
  tone.connect(gain).connect(audio.destination);
  tone.start();
  tone.stop(audio.currentTime + 0.6);
}

/** A sound and a desktop notification for every chat that starts waiting. */
function announceNew(waiting) {
  const ids = new Set(waiting.map((t) => t.id));
  if (state.seenWaiting !== null) {
    const fresh = waiting.filter((t) => !state.seenWaiting.has(t.id));
    if (fresh.length) {
      chime();
      document.title = "(" + waiting.length + ") Asistan · Temsilci konsolu";
      if ("Notification" in window && Notification.permission === "granted") {
        const t = fresh[0];
        new Notification(TEXT.newChat, { body: nameOf("reasons", t.reason) + " · #" + t.id + (t.summary && t.summary.last_message ? "\n" + t.summary.last_message : ""), tag: "ticket-" + t.id });
      }
      document.body.dataset.newChats = String(Number(document.body.dataset.newChats || 0) + fresh.length);
    }
  }
  state.seenWaiting = ids;
}

async function enableNotifications() {
  audio = audio || new (window.AudioContext || window.webkitAudioContext)();
  if ("Notification" in window && Notification.permission === "default") await Notification.requestPermission();
  $("notify").textContent = TEXT.notifyOn;
  $("notify").disabled = true;
}

// ---- one chat ------------------------------------------------------------------------------

function mine(ticket) { return ticket.status === "assigned" && ticket.agent_id === state.me.id; }

function transcriptItems(data) {
  const rows = (data.transcript || []).map((m) => ({ at: m.at ? m.at * 1000 : 0, m }))
    .concat((data.notes || []).map((n) => ({ at: Date.parse(n.at), n })));
  rows.sort((a, b) => a.at - b.at);
  const items = rows.map(({ m, n }) => {
    const cls = n ? "note" : m.from;
    const who = n ? TEXT.note + " · " + n.agent_name
      : m.from === "agent" ? m.agent_name : m.from === "user" ? TEXT.customer : TEXT.assistant;
    const text = n ? n.text : (m.template ? m.text + TEXT.template : m.text);
    const item = el("li", undefined, cls);
    const head = el("span", undefined, "who");
    head.append(el("span", who));
    if (m && m.sentiment && m.from === "user") head.append(sentimentPill(m.sentiment));
    const at = n ? n.at : m.at;
    if (at) head.append(moment(at));
    item.append(head, el("span", text));
    return item;
  });
  if (data.transcript === null) items.push(el("li", TEXT.noTranscript, "bot"));
  return items;
}

function renderCustomer(customer) {
  const box = $("customer");
  if (!customer) { box.replaceChildren(el("h3", TEXT.customer), el("p", TEXT.noCustomer)); return; }
  const orders = el("ul");
  for (const o of customer.orders) {
    orders.append(el("li", o.id + " · " + nameOf("order_status", o.status) + " · " + o.total + " TL"));
  }
  const returns = el("ul");
  for (const r of customer.returns) {
    const line = el("li", r.code + " · " + r.order_id + " · " + nameOf("return_status", r.status) + (r.refund ? " · " + r.refund + " TL" : ""));
    if (r.overdue) line.append(" ", el("span", TEXT.overdue, "overdue"));
    returns.append(line);
  }
  box.replaceChildren(el("h3", customer.name + " · " + customer.city),
    el("div", customer.email + " · " + customer.phone),
    el("h3", TEXT.orders), orders);
  if (customer.returns.length) box.append(el("h3", TEXT.returns), returns);
}

function renderSummary(ticket) {
  const summary = ticket.summary || {};
  const box = $("summary");
  box.replaceChildren(el("h3", TEXT.summary));
  const tried = (summary.bot_tried || []).map((a) => nameOf("actions", a));
  const asked = [...new Set((summary.intents || []).filter(Boolean))].map((i) => nameOf("intents", i));
  const list = el("ul");
  if (tried.length) list.append(el("li", TEXT.tried + ": " + tried.join(", ")));
  if (asked.length) list.append(el("li", TEXT.intents + ": " + asked.join(", ")));
  list.append(el("li", TEXT.order + ": " + (ticket.order_id || "–")));
  if (ticket.callback_contact) list.append(el("li", TEXT.callback + ": " + ticket.callback_contact));
  box.append(list);
}

function renderHistory(history) {
  const box = $("history");
  box.replaceChildren(el("h3", TEXT.history));
  if (!history.length) { box.append(el("p", TEXT.noHistory)); return; }
  const list = el("ul");
  for (const t of history) {
    const item = el("li");
    item.append(button("#" + t.id, () => open(t.id), "link"), " · " + nameOf("reasons", t.reason) + " · " + nameOf("ticket_status", t.status) + " · ");
    item.append(moment(t.created_at));
    list.append(item);
  }
  box.append(list);
}

function renderTags(tags) {
  const items = tags.map((tag) => {
    const item = el("li", tag);
    const remove = button("×", () => saveTags(tags.filter((t) => t !== tag)));
    remove.setAttribute("aria-label", fill(TEXT.removeTag, { tag }));
    item.append(remove);
    return item;
  });
  $("tag-list").replaceChildren(...items);
}

function showViewers(agents) {
  const others = (agents || []).filter((name) => name !== state.me.agent);
  $("presence").hidden = !others.length;
  $("presence").textContent = fill(TEXT.alsoOpen, { names: others.join(", ") });
}

async function refreshChat() {
  if (state.current === null) return;
  const request = ++state.chatRequests;
  const data = await api("/api/tickets/" + state.current);
  if (request !== state.chatRequests || data.ticket.id !== state.current) return;
  state.detail = data;
  const t = data.ticket;
  $("chat-title").textContent = "#" + t.id + " · " + nameOf("reasons", t.reason);
  $("chat-status").textContent = nameOf("ticket_status", t.status);
  const meta = $("chat-meta");
  meta.replaceChildren(nameOf("channels", t.channel) + " · ", sentimentView(t.sentiment));
  const timers = [timer(t.created_at, TEXT.waited, t.assigned_at || t.resolved_at)];
  if (t.assigned_at) timers.push(" · ", timer(t.assigned_at, TEXT.handled, t.resolved_at));
  $("timers").replaceChildren(...timers);
  $("no-delivery").hidden = t.delivers_replies;
  $("window-closed").hidden = data.whatsapp_window_open !== false;
  renderTags(t.tags);
  showViewers(data.viewers);
  renderCustomer(data.customer);
  renderSummary(t);
  renderHistory(data.history);
  const list = $("transcript");
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  list.replaceChildren(...transcriptItems(data));
  if (atBottom || !list.dataset.shown || list.dataset.shown !== String(t.id)) list.scrollTop = list.scrollHeight;
  list.dataset.shown = String(t.id);
  const own = mine(t);
  for (const id of ["send", "resolve"]) $(id).disabled = !own;
  $("transfer-menu").hidden = !own;
  $("reply").placeholder = own ? $("reply").dataset.placeholder : TEXT.notYours;
  tickTimers();
}

function listen() {
  if (state.stream) state.stream.close();
  const stream = new EventSource("/api/events" + (state.current !== null ? "?ticket=" + state.current : ""));
  state.stream = stream;
  const safely = (work) => () => work().catch((error) => showError(error.message));
  stream.addEventListener("hello", () => { showError(""); safely(refreshAll)(); });
  stream.addEventListener("queue", safely(async () => { await refreshQueue(); await refreshDashboard(); }));
  stream.addEventListener("transcript", safely(refreshChat));
  stream.addEventListener("note", safely(refreshChat));
  stream.addEventListener("tags", safely(refreshChat));
  stream.addEventListener("viewers", (event) => showViewers(JSON.parse(event.data).agents));
  stream.addEventListener("typing", () => {
    $("typing").hidden = false;
    window.clearTimeout(state.typingTimer);
    state.typingTimer = window.setTimeout(() => { $("typing").hidden = true; }, 5000);
  });
  stream.onerror = () => { if (stream.readyState !== EventSource.OPEN) showError(TEXT.unreachable); };
}

async function refreshAll() {
  await Promise.all([refreshQueue(), refreshDashboard(), refreshChat()]);
}

async function claim(id) {
  if (await post("/api/tickets/" + id + "/claim")) { selectFolder("mine"); await open(id); }
  await refreshQueue();
}

async function open(id) {
  state.current = id;
  $("chat").hidden = false;
  $("context").hidden = false;
  $("empty").hidden = true;
  document.body.classList.add("chat-open");
  showError("");
  $("typing").hidden = true;
  for (const item of document.querySelectorAll(".tickets li")) {
    item.classList.toggle("current", item.dataset.ticket === String(id));
  }
  listen(); // "hello" refreshes the chat
  try { await refreshChat(); } catch (error) { showError(error.message); }
}

function close() {
  state.current = null;
  state.detail = null;
  $("chat").hidden = true;
  $("context").hidden = true;
  $("empty").hidden = false;
  document.body.classList.remove("chat-open");
  listen();
}

async function transfer(to) {
  $("transfer-menu").open = false;
  if (await post("/api/tickets/" + state.current + "/transfer", { to })) { close(); await refreshQueue(); }
}

async function saveTags(tags) {
  if (await post("/api/tickets/" + state.current + "/tags", { tags })) await refreshChat();
}

// ---- prepared answers ----------------------------------------------------------------------

function cannedVariables() {
  const detail = state.detail || {};
  const customer = detail.customer;
  return {
    customer_name: customer ? customer.name.split(" ")[0] : "",
    order_id: (detail.ticket && detail.ticket.order_id) || "",
    agent_name: state.me.agent,
  };
}

function insertCanned(reply) {
  const values = cannedVariables();
  const text = reply.text.replace(/\{(customer_name|order_id|agent_name)\}/g, (_, k) => values[k])
    .replace(/ ,/g, ",").replace(/ {2,}/g, " ");
  const box = $("reply");
  const at = box.selectionStart || box.value.length;
  box.value = box.value.slice(0, at) + text + box.value.slice(box.selectionEnd || at);
  box.focus();
}

async function loadCanned() {
  state.canned = (await api("/api/canned")).replies;
  const options = [new Option($("canned").options[0].text, "")]
    .concat(state.canned.map((c) => new Option(c.title, String(c.id))));
  $("canned").replaceChildren(...options);
  $("canned-list").replaceChildren(...state.canned.map((c) => {
    const item = el("li");
    item.append(el("span", c.title),
      button(TEXT.edit, () => editCanned(c), "secondary"),
      button(TEXT.remove, async () => {
        try { await api("/api/canned/" + c.id, { method: "DELETE" }); await loadCanned(); }
        catch (error) { $("canned-error").textContent = error.message; }
      }, "secondary"));
    return item;
  }));
}

function editCanned(reply) {
  $("canned-id").value = reply ? reply.id : "";
  $("canned-name").value = reply ? reply.title : "";
  $("canned-text").value = reply ? reply.text : "";
  $("canned-name").focus();
}

// ---- start ---------------------------------------------------------------------------------

async function start() {
  const [me, names] = await Promise.all([api("/api/me"), api("/api/labels")]);
  state.me = me;
  state.csrf = me.csrf;
  state.names = names;
  $("me").textContent = me.agent;
  $("report-link").hidden = !me.supervisor;
  $("manage-canned").hidden = !me.supervisor;
  $("reply").dataset.placeholder = $("reply").placeholder;
  $("logout").addEventListener("click", async () => {
    await api("/logout", { method: "POST", body: "{}" });
    window.location = "/login";
  });
  $("notify").addEventListener("click", enableNotifications);
  if ("Notification" in window && Notification.permission === "granted") $("notify").textContent = TEXT.notifyOn;
  for (const tab of document.querySelectorAll("#folders [role=tab]")) {
    tab.addEventListener("click", () => { $("results").hidden = true; selectFolder(tab.dataset.folder); });
  }
  $("search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = $("search").value.trim();
    if (text.length >= 2) search(text).catch((error) => showError(error.message));
  });
  $("clear-search").addEventListener("click", () => {
    $("search").value = "";
    $("results").hidden = true;
    selectFolder(state.folder);
  });
  $("back").addEventListener("click", close);
  $("reply-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const box = $("reply");
    if (!box.value.trim() || $("send").disabled) return;
    if (await post("/api/tickets/" + state.current + "/reply", { text: box.value })) { box.value = ""; await refreshChat(); }
  });
  $("reply").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) { event.preventDefault(); $("reply-form").requestSubmit(); }
  });
  $("reply").addEventListener("input", () => {
    const now = Date.now();
    if (!state.detail || !mine(state.detail.ticket) || now - state.lastTypingSent < 3000) return;
    state.lastTypingSent = now;
    api("/api/tickets/" + state.current + "/typing", { method: "POST", body: "{}" }).catch(() => {});
  });
  $("add-note").addEventListener("click", async () => {
    const box = $("reply");
    if (!box.value.trim()) return;
    if (await post("/api/tickets/" + state.current + "/notes", { text: box.value })) { box.value = ""; await refreshChat(); }
  });
  $("resolve").addEventListener("click", async () => {
    if (await post("/api/tickets/" + state.current + "/resolve")) { close(); await refreshQueue(); }
  });
  $("tag-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const tag = $("tag-input").value.trim();
    if (!tag || !state.detail) return;
    $("tag-input").value = "";
    const current = [...$("tag-list").children].map((item) => item.firstChild.textContent);
    saveTags(current.concat([tag]));
  });
  $("canned").addEventListener("change", () => {
    const reply = state.canned.find((c) => String(c.id) === $("canned").value);
    if (reply) insertCanned(reply);
    $("canned").value = "";
  });
  $("manage-canned").addEventListener("click", () => { editCanned(null); $("canned-dialog").showModal(); });
  $("canned-close").addEventListener("click", () => $("canned-dialog").close());
  $("canned-new").addEventListener("click", () => editCanned(null));
  $("canned-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const id = $("canned-id").value;
    try {
      await api("/api/canned" + (id ? "/" + id : ""), { method: "POST", body: JSON.stringify({ title: $("canned-name").value, text: $("canned-text").value }) });
      $("canned-error").textContent = "";
      editCanned(null);
      await loadCanned();
    } catch (error) { $("canned-error").textContent = error.message; }
  });
  await loadCanned();
  listen();
  window.setInterval(tickTimers, 1000);
}

start();
