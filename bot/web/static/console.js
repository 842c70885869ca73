// Agent console: polls the API, so shopper messages appear without reloading.
// All user-provided text is set with textContent: nothing from a chat becomes HTML.
"use strict";

const REASONS = {
  angry: "Öfkeli müşteri", sensitive: "Hassas konu", frustration: "Memnuniyetsizlik",
  repeated_fallback: "Asistan anlayamadı", repeated_question: "Aynı soru tekrarlandı",
  verification_failed: "Doğrulama başarısız", asked_for_human: "Temsilci istedi",
};
const SENTIMENT = { angry: "😠", negative: "🙁", neutral: "😐", positive: "🙂" };
const POLL_MS = 2000;
let csrf = "";
let current = null;

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (cls) node.className = cls;
  return node;
}

async function api(path, options = {}) {
  const init = { credentials: "same-origin", ...options, headers: { ...(options.headers || {}) } };
  if (init.method && init.method !== "GET") {
    init.headers["X-CSRF-Token"] = csrf;
    init.headers["Content-Type"] = "application/json";
  }
  const response = await fetch(path, init);
  if (response.status === 401) { window.location = "/login"; throw new Error("login"); }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error || response.statusText);
  return body;
}

function showError(message) { document.getElementById("error").textContent = message || ""; }

function ticketItem(ticket, canClaim) {
  const item = el("li", undefined, "p" + ticket.priority);
  item.dataset.ticket = ticket.id;
  item.append(el("strong", (REASONS[ticket.reason] || ticket.reason) + " · #" + ticket.id));
  item.append(el("div", (ticket.sentiment || []).map((s) => SENTIMENT[s] || "").join(" ")));
  if (ticket.summary && ticket.summary.last_message) item.append(el("div", "“" + ticket.summary.last_message + "”"));
  const since = Math.round((Date.now() - Date.parse(ticket.created_at)) / 60000);
  item.append(el("small", since + " dk önce · " + ticket.channel + (ticket.position ? " · sıra " + ticket.position : "")));
  const button = el("button", canClaim ? "Üstlen" : "Aç");
  button.type = "button";
  button.dataset.action = canClaim ? "claim" : "open";
  button.addEventListener("click", () => (canClaim ? claim(ticket.id) : open(ticket.id)));
  item.append(button);
  return item;
}

async function refreshQueue() {
  const data = await api("/api/queue");
  const waiting = document.getElementById("waiting");
  const mine = document.getElementById("mine");
  waiting.replaceChildren(...data.waiting.map((t) => ticketItem(t, true)));
  mine.replaceChildren(...data.mine.map((t) => ticketItem(t, false)));
  const select = document.getElementById("transfer-to");
  const options = [new Option("Asistana geri ver", "bot")].concat(
    data.agents.map((a) => new Option(a.name + " temsilcisine aktar", a.id)));
  if (select.options.length !== options.length) select.replaceChildren(...options);
}

async function refreshDashboard() {
  const d = await api("/api/dashboard");
  const show = (id, value) => { document.getElementById(id).textContent = value === null ? "–" : value; };
  show("d-waiting", d.waiting);
  show("d-wait", d.median_wait_minutes);
  show("d-rate", d.handoff_rate === null ? null : Math.round(d.handoff_rate * 100) + "%");
  show("d-csat", d.csat_today);
}

function renderCustomer(customer) {
  const box = document.getElementById("customer");
  if (!customer) { box.textContent = "Doğrulanmış müşteri yok."; return; }
  box.replaceChildren(el("strong", customer.name + " · " + customer.city),
    el("div", customer.email + " · " + customer.phone));
  const orders = el("ul");
  customer.orders.forEach((o) => orders.append(el("li", o.id + " · " + o.status + " · " + o.total + " TL")));
  customer.returns.forEach((r) => orders.append(el("li", r.code + " · " + r.status + (r.overdue ? " · GECİKMİŞ İADE" : ""))));
  box.append(orders);
}

async function refreshChat() {
  if (current === null) return;
  const data = await api("/api/tickets/" + current);
  const head = document.getElementById("chat-head");
  const summary = data.ticket.summary || {};
  head.replaceChildren(el("strong", "#" + data.ticket.id + " · " + (REASONS[data.ticket.reason] || data.ticket.reason)),
    el("div", "Sipariş: " + (data.ticket.order_id || "–") + " · Asistanın denedikleri: " + (summary.bot_tried || []).join(", ")));
  if (data.ticket.callback_contact) head.append(el("div", "Geri arama: " + data.ticket.callback_contact));
  if (data.whatsapp_window_open === false) {
    head.append(el("div", "WhatsApp'ın 24 saatlik penceresi kapalı: yanıtınız yerine onaylı şablon mesaj gönderilir; müşteri yanıtlayınca serbest yazabilirsiniz.", "window-closed"));
  }
  renderCustomer(data.customer);
  const list = document.getElementById("transcript");
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  const items = (data.transcript || []).map((m) => {
    const who = m.from === "agent" ? m.agent_name : m.from === "user" ? "Müşteri" : "Asistan";
    const item = el("li", m.template ? m.text + " (şablon mesaj olarak gönderildi)" : m.text, m.from);
    item.prepend(el("small", who + (m.sentiment ? " " + (SENTIMENT[m.sentiment] || "") : "")));
    return item;
  });
  if (data.transcript === null) items.push(el("li", "Konuşma geçmişine şu an ulaşılamıyor.", "bot"));
  list.replaceChildren(...items);
  if (atBottom) list.scrollTop = list.scrollHeight;
}

async function claim(id) {
  try { await api("/api/tickets/" + id + "/claim", { method: "POST", body: "{}" }); await open(id); }
  catch (error) { showError(error.message === "already taken" ? "Bu sohbeti başka bir temsilci üstlendi." : error.message); }
  await refreshQueue();
}

async function open(id) {
  current = id;
  document.getElementById("chat").hidden = false;
  showError("");
  await refreshChat();
}

async function post(path, body) {
  try { await api(path, { method: "POST", body: JSON.stringify(body) }); showError(""); return true; }
  catch (error) { showError(error.message); return false; }
}

async function start() {
  const me = await api("/api/me");
  csrf = me.csrf;
  document.getElementById("me").textContent = me.agent;
  document.getElementById("report-link").hidden = !me.supervisor;
  document.getElementById("logout").addEventListener("click", async () => {
    await api("/logout", { method: "POST", body: "{}" });
    window.location = "/login";
  });
  document.getElementById("reply-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const box = document.getElementById("reply");
    if (await post("/api/tickets/" + current + "/reply", { text: box.value })) { box.value = ""; await refreshChat(); }
  });
  document.getElementById("reply").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); document.getElementById("send").click(); }
  });
  document.getElementById("resolve").addEventListener("click", async () => {
    if (await post("/api/tickets/" + current + "/resolve", {})) { current = null; document.getElementById("chat").hidden = true; await refreshQueue(); }
  });
  document.getElementById("transfer").addEventListener("click", async () => {
    const to = document.getElementById("transfer-to").value;
    if (await post("/api/tickets/" + current + "/transfer", { to: to === "bot" ? "bot" : Number(to) })) {
      current = null; document.getElementById("chat").hidden = true; await refreshQueue();
    }
  });
  const tick = async () => {
    try { await Promise.all([refreshQueue(), refreshDashboard(), refreshChat()]); } catch (error) { /* next tick retries */ }
  };
  await tick();
  setInterval(tick, POLL_MS);
}

start();
