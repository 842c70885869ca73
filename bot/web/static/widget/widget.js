/*
 * Asistan's website chat widget. A shop embeds it with one tag:
 *   <script src="https://ASISTAN-HOST:8080/widget.js" async></script>
 * Styles, the socket.io client and the settings come from the same base URL, so the shop
 * adds nothing else. The UI lives in a shadow root: the shop's CSS cannot break it and ours
 * cannot leak into the shop. Message text is only ever set with textContent, because a
 * chat may carry HTML typed by anyone.
 */
(() => {
  "use strict";

  /** Every user-visible string, in one place. */
  const TEXT = {
    title: "Asistan",
    openChat: "Asistan ile sohbet edin",
    openChatUnread: "Asistan ile sohbet edin (yeni mesaj var)",
    closeChat: "Sohbeti kapat",
    messages: "Sohbet mesajları",
    inputLabel: "Mesajınız",
    placeholder: "Mesajınızı yazın…",
    send: "Gönder",
    typing: "Asistan yazıyor…",
    agentTyping: "{name} yazıyor…",
    welcome: "Merhaba! Siparişleriniz, iadeler, kargo ve ürün önerileri için buradayım. " +
      "Nasıl yardımcı olabilirim?",
    connecting: "Bağlanıyor…",
    online: "Çevrimiçi",
    inQueue: "Temsilci sırasında: {place}. sıradasınız",
    withAgent: "{name} · Müşteri temsilcisi",
    reconnecting: "Bağlantı yeniden kuruluyor…",
    unavailable: "Şu anda bağlanamıyorum; lütfen biraz sonra tekrar deneyin.",
    offline: "Bağlantı koptu; mesajınız bağlantı gelince gönderilecek.",
    you: "Siz:",
    bot: "Asistan:",
    agentRole: "Müşteri temsilcisi",
    rating: "{rating} / 5 · {count} değerlendirme",
    choices: "Seçenekler",
    quickStart: "Hızlı başlangıç",
    starts: ["Siparişim nerede?", "İade yapmak istiyorum", "Ürün önerir misin?",
      "Temsilciyle görüşmek istiyorum"],
    stars: "Puanınız (1-5 yıldız)",
    starLabel: "{n} yıldız",
    skip: "Geç",
    skipped: "Değerlendirmeyi geçtiniz.",
  };

  const MAX_LENGTH = 2000;
  const TYPING_TIMEOUT_MS = 20000;
  const AGENT_TYPING_MS = 5000; // the console says so again while the agent types
  const REMEMBERED_LABELS = 50;
  const STORAGE_PREFIX = "asistan.";
  const URL_PATTERN = /https?:\/\/[^\s<>"']+/g;
  // The rating question's buttons (domain.yml): drawn as stars, with a skip button.
  const RATING_PAYLOAD = /^\/inform\{"rating":"([1-5])"\}$/;
  const SKIP_PAYLOAD = /^\/inform\{"rating":"skip"\}$/;

  const script = document.currentScript;
  if (!script || window.asistanWidgetLoaded) return; // pasted twice: the first one wins
  window.asistanWidgetLoaded = true;
  const BASE = new URL(".", script.src);

  /** localStorage that never throws: where it is blocked the chat works for this page only. */
  const storage = (() => {
    const memory = {};
    return {
      read(key, fallback) {
        try {
          const raw = window.localStorage.getItem(STORAGE_PREFIX + key);
          if (raw !== null) return JSON.parse(raw);
        } catch (error) { /* blocked or corrupt: fall back to this page's memory */ }
        return key in memory ? memory[key] : fallback;
      },
      write(key, value) {
        memory[key] = value;
        try {
          window.localStorage.setItem(STORAGE_PREFIX + key, JSON.stringify(value));
        } catch (error) { /* blocked or full: memory only */ }
      },
    };
  })();

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, (_, name) => String(values[name]));
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /** The conversation's id, issued by the server (session_confirm) and kept so a reload
   * continues the chat; "" until the server has issued one. */
  function sessionId() {
    const id = storage.read("session", null);
    return typeof id === "string" && /^[0-9a-f]{32}$/.test(id) ? id : "";
  }

  // ---- the UI ----------------------------------------------------------------------------

  const host = el("div");
  host.id = "asistan-widget";
  const root = host.attachShadow({ mode: "open" });
  const frame = el("div", "asw");
  const stylesheet = el("link");
  stylesheet.rel = "stylesheet";
  stylesheet.href = new URL("widget/widget.css", BASE).href;

  const launcher = el("button", "launcher");
  launcher.type = "button";
  launcher.setAttribute("aria-label", TEXT.openChat);
  launcher.setAttribute("aria-expanded", "false");
  launcher.setAttribute("aria-controls", "asw-panel");
  launcher.appendChild(chatIcon());
  const badge = el("span", "badge");
  badge.hidden = true;
  launcher.appendChild(badge);

  const panel = el("section", "panel");
  panel.id = "asw-panel";
  panel.hidden = true;
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-labelledby", "asw-title");

  const header = el("header", "header");
  const heading = el("div", "heading");
  const title = el("h2", "title", TEXT.title);
  title.id = "asw-title";
  const status = el("p", "status", TEXT.connecting);
  heading.append(title, status);
  const closeButton = el("button", "close", "×");
  closeButton.type = "button";
  closeButton.setAttribute("aria-label", TEXT.closeChat);
  header.append(heading, closeButton);

  // The live region scrolls; the messages inside it stay a list.
  const logBox = el("div", "log");
  logBox.setAttribute("role", "log");
  logBox.setAttribute("aria-live", "polite");
  logBox.setAttribute("aria-label", TEXT.messages);
  logBox.tabIndex = 0; // keyboard users can scroll a long chat
  const log = el("ol", "messages");
  logBox.appendChild(log);

  const typing = el("div", "typing", TEXT.typing);
  typing.setAttribute("role", "status");
  typing.hidden = true;

  const form = el("form", "composer");
  const input = el("textarea", "input");
  input.rows = 1;
  input.maxLength = MAX_LENGTH;
  input.placeholder = TEXT.placeholder;
  input.setAttribute("aria-label", TEXT.inputLabel);
  const sendButton = el("button", "send", TEXT.send);
  sendButton.type = "submit";
  form.append(input, sendButton);

  panel.append(header, logBox, typing, form);
  frame.append(launcher, panel);
  root.append(stylesheet, frame);

  function chatIcon() {
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    const path = document.createElementNS(ns, "path");
    path.setAttribute("d", "M20 2H4a2 2 0 0 0-2 2v18l4-4h14a2 2 0 0 0 2-2V4a2 2 0 0 0-2-2z");
    svg.appendChild(path);
    return svg;
  }

  function setUnread(unread) {
    badge.hidden = !unread;
    launcher.setAttribute("aria-label", unread ? TEXT.openChatUnread : TEXT.openChat);
  }

  function openPanel() {
    panel.hidden = false;
    frame.classList.add("open");
    launcher.setAttribute("aria-expanded", "true");
    setUnread(false);
    start();
    scrollToEnd();
    input.focus();
  }

  function closePanel() {
    panel.hidden = true;
    frame.classList.remove("open");
    launcher.setAttribute("aria-expanded", "false");
    launcher.focus();
  }

  function scrollToEnd() {
    logBox.scrollTop = logBox.scrollHeight;
  }

  launcher.addEventListener("click", () => (panel.hidden ? openPanel() : closePanel()));
  closeButton.addEventListener("click", closePanel);
  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") closePanel();
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  input.addEventListener("input", () => {
    input.style.height = "auto";
    input.style.height = `${Math.min(input.scrollHeight, 120)}px`;
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim().slice(0, MAX_LENGTH);
    if (!text) return;
    input.value = "";
    input.style.height = "auto";
    send(text, text);
  });

  // ---- messages --------------------------------------------------------------------------

  /** Text with its http(s) URLs as links; everything else stays plain text. */
  function appendLinkified(parent, text) {
    let last = 0;
    for (const match of text.matchAll(URL_PATTERN)) {
      const raw = match[0].replace(/[.,;:!?)\]]+$/, "");
      parent.append(text.slice(last, match.index), safeLink(raw) || raw);
      last = match.index + raw.length;
    }
    parent.append(text.slice(last));
  }

  function safeLink(raw) {
    let url;
    try {
      url = new URL(raw);
    } catch (error) {
      return null;
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") return null;
    const link = el("a", "", raw);
    link.href = url.href;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    return link;
  }

  /** One message in the log; `from` is "user", "bot" or "agent". */
  function addMessage(from, text, agentName) {
    const item = el("li", `msg ${from}`);
    if (from === "agent") {
      item.appendChild(el("span", "agent-label", `${agentName} · ${TEXT.agentRole}`));
    } else {
      item.appendChild(el("span", "sr-only", from === "user" ? TEXT.you : TEXT.bot));
    }
    if (text) {
      const bubble = el("div", "bubble");
      appendLinkified(bubble, text);
      item.appendChild(bubble);
    }
    log.appendChild(item);
    scrollToEnd();
    return item;
  }

  /**
   * One element of a generic template (Rasa's card shape); `facts` adds the rating. The
   * card's reply buttons work only on a `live` card (not on one redrawn from the history).
   */
  function renderCard(element, facts, live) {
    const box = el("div", "card");
    const image = el("img", "card-image");
    image.alt = "";
    if (element.image_url) image.src = String(element.image_url);
    const body = el("div", "card-body");
    const name = el("p", "card-name");
    const link = element.default_action && safeLink(String(element.default_action.url || ""));
    if (link) {
      link.textContent = String(element.title || "");
      name.appendChild(link);
    } else {
      name.textContent = String(element.title || "");
    }
    body.append(name, el("p", "card-price", String(element.subtitle || "")));
    const rating = Number(facts && facts.rating);
    if (facts && facts.rating !== null && !Number.isNaN(rating)) {
      const full = Math.round(Math.min(5, Math.max(0, rating)));
      const stars = el("span", "stars", "★".repeat(full) + "☆".repeat(5 - full));
      stars.setAttribute("aria-hidden", "true");
      const shown = rating.toLocaleString("tr-TR", { minimumFractionDigits: 1,
        maximumFractionDigits: 1 });
      const count = Number(facts.rating_count || 0).toLocaleString("tr-TR");
      const line = el("p", "card-rating");
      line.append(stars, el("span", "", format(TEXT.rating, { rating: shown, count })));
      body.appendChild(line);
    }
    const links = [];
    const replies = [];
    for (const button of element.buttons || []) {
      if (button.type === "web_url") {
        const anchor = safeLink(String(button.url || ""));
        if (anchor) {
          anchor.textContent = String(button.title);
          anchor.className = "card-link";
          links.push(anchor);
        }
      } else if (button.payload) {
        replies.push(button);
      }
    }
    if (links.length) {
      const row = el("p", "card-links");
      row.append(...links);
      body.appendChild(row);
    }
    if (replies.length) {
      const group = renderButtons(replies);
      if (!live) for (const button of group.querySelectorAll("button")) button.disabled = true;
      body.appendChild(group);
    }
    box.append(image, body);
    return box;
  }

  function choose(group, button, payload, title) {
    for (const other of group.querySelectorAll("button")) other.disabled = true;
    button.classList.add("chosen");
    rememberLabel(payload, title);
    send(payload, title);
    input.focus();
  }

  function renderButtons(buttons) {
    // The question's own skip button gives way to the stars' skip, which sends nothing.
    const scores = buttons.filter((b) => !SKIP_PAYLOAD.test(String(b.payload)));
    const ratings = scores.map((b) => RATING_PAYLOAD.exec(String(b.payload)));
    if (ratings.every(Boolean) && ratings.length === 5) return renderStars(scores, ratings);
    const group = el("div", "choices");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", TEXT.choices);
    for (const choice of buttons) {
      const button = el("button", "choice", String(choice.title));
      button.type = "button";
      button.addEventListener("click",
        () => choose(group, button, String(choice.payload), String(choice.title)));
      group.appendChild(button);
    }
    return group;
  }

  /** The rating question: five stars from 1 to 5 and a skip button that sends nothing. */
  function renderStars(buttons, ratings) {
    const group = el("div", "choices stars-row");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", TEXT.stars);
    const ordered = buttons.map((b, i) => [Number(ratings[i][1]), b]).sort((x, y) => x[0] - y[0]);
    const stars = [];
    for (const [n, choice] of ordered) {
      const label = format(TEXT.starLabel, { n });
      const button = el("button", "star", "★");
      button.type = "button";
      button.setAttribute("aria-label", label);
      const light = () => {
        if (!button.disabled) stars.forEach((star, i) => star.classList.toggle("lit", i < n));
      };
      button.addEventListener("mouseenter", light);
      button.addEventListener("focus", light);
      button.addEventListener("click", () => {
        light();
        choose(group, button, String(choice.payload), label);
      });
      stars.push(button);
      group.appendChild(button);
    }
    group.addEventListener("mouseleave", () => {
      if (!group.querySelector(".chosen")) stars.forEach((star) => star.classList.remove("lit"));
    });
    const skip = el("button", "choice skip", TEXT.skip);
    skip.type = "button";
    skip.addEventListener("click", () => {
      for (const other of group.querySelectorAll("button")) other.disabled = true;
      group.after(el("p", "notice", TEXT.skipped));
      input.focus();
    });
    group.appendChild(skip);
    return group;
  }

  /**
   * A bot_uttered event in one of Rasa's socket.io shapes: text, text with quick replies
   * (or buttons), a generic template (product cards) or an image attachment; `metadata`
   * carries the agent's name and a card's rating. `live`: buttons can still be pressed.
   */
  function renderEvent(data, live) {
    if (!data || typeof data !== "object") return;
    const metadata = data.metadata && typeof data.metadata === "object" ? data.metadata : {};
    const attachment = data.attachment && typeof data.attachment === "object"
      ? data.attachment : null;
    const text = typeof data.text === "string" ? data.text : "";
    const buttons = data.quick_replies || data.buttons;
    const hasButtons = live && Array.isArray(buttons) && buttons.length > 0;
    if (!text && !attachment && !hasButtons) return; // custom JSON: nothing to draw here
    const item = metadata.agent_name
      ? addMessage("agent", text, String(metadata.agent_name))
      : addMessage("bot", text);
    if (attachment && attachment.type === "template" && attachment.payload) {
      for (const element of attachment.payload.elements || []) {
        item.appendChild(renderCard(element, metadata.product, live));
      }
    } else if (attachment && attachment.type === "image" && attachment.payload) {
      const image = el("img", "attachment");
      image.alt = "";
      image.src = String(attachment.payload.src || "");
      item.appendChild(image);
    }
    if (hasButtons) item.appendChild(renderButtons(buttons));
    if (metadata.agent_name) showState({ state: "agent", agent_name: metadata.agent_name });
  }

  function showBotMessage(data) {
    hideTyping();
    renderEvent(data, true);
    scrollToEnd();
    if (panel.hidden) setUnread(true);
    refreshState();
  }

  let typingTimer = 0;

  function showTyping(text = TEXT.typing, timeout = TYPING_TIMEOUT_MS) {
    typing.textContent = text;
    typing.hidden = false;
    window.clearTimeout(typingTimer);
    typingTimer = window.setTimeout(hideTyping, timeout);
  }

  function hideTyping() {
    typing.hidden = true;
    window.clearTimeout(typingTimer);
  }

  /**
   * A button sends its payload; the history then shows the payload, so remember the title
   * the shopper saw (the last few only).
   */
  function rememberLabel(payload, title) {
    const labels = storage.read("labels", {});
    delete labels[payload];
    labels[payload] = title;
    const kept = Object.entries(labels).slice(-REMEMBERED_LABELS);
    storage.write("labels", Object.fromEntries(kept));
  }

  // ---- the connection --------------------------------------------------------------------

  let socket = null;
  let ready = false; // connected and our session confirmed: messages can go out now
  let starting = null;

  /** Sends now, or keeps the message (across reloads) until the connection is back. */
  function send(message, shown) {
    for (const open of log.querySelectorAll(".choices button:not(:disabled)")) {
      open.disabled = true; // a question answered by typing is answered
    }
    const item = addMessage("user", shown);
    if (ready) {
      socket.emit("user_uttered", { message, session_id: sessionId() });
      showTyping();
      return;
    }
    storage.write("outbox", [...storage.read("outbox", []), { message, shown }]);
    item.appendChild(el("p", "notice", TEXT.offline));
    scrollToEnd();
    start();
  }

  function flushOutbox() {
    const waiting = storage.read("outbox", []);
    if (!waiting.length) return;
    for (const { message } of waiting) {
      socket.emit("user_uttered", { message, session_id: sessionId() });
    }
    storage.write("outbox", []);
    for (const notice of log.querySelectorAll(".notice")) notice.remove();
    showTyping();
  }

  async function fetchJson(path) {
    const response = await fetch(new URL(path, BASE), { credentials: "omit" });
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    return response.json();
  }

  /** The socket.io client, without taking over a `window.io` the shop may use itself. */
  function loadSocketIo() {
    return new Promise((resolve, reject) => {
      const previous = window.io;
      const tag = document.createElement("script");
      tag.src = new URL("widget/socket.io.min.js", BASE).href;
      tag.async = true;
      tag.onload = () => {
        const io = window.io;
        if (previous === undefined) delete window.io;
        else window.io = previous;
        if (typeof io === "function") resolve(io);
        else reject(new Error("socket.io client did not load"));
      };
      tag.onerror = () => reject(new Error("socket.io client did not load"));
      document.head.appendChild(tag);
    });
  }

  /** The welcome, with buttons for what shoppers ask most. */
  function welcome() {
    const item = addMessage("bot", TEXT.welcome);
    const group = el("div", "choices");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", TEXT.quickStart);
    for (const start of TEXT.starts) {
      const button = el("button", "choice", start);
      button.type = "button";
      button.addEventListener("click", () => choose(group, button, start, start));
      group.appendChild(button);
    }
    item.appendChild(group);
  }

  /**
   * What was said before (also by an agent while the page was closed), then the outbox.
   * Cards come back as cards; the buttons of a question not yet answered come back too.
   */
  async function showConversation() {
    let messages = [];
    try {
      if (sessionId()) messages = (await fetchJson(`widget/history/${sessionId()}`)).messages;
    } catch (error) {
      console.warn("Asistan: no chat history", error);
    }
    const labels = storage.read("labels", {});
    const outbox = storage.read("outbox", []);
    log.replaceChildren();
    if (!messages.length && !outbox.length) welcome();
    const lastUser = messages.map((m) => m.from).lastIndexOf("user");
    messages.forEach((message, index) => {
      if (message.from !== "user") {
        for (const event of message.events || []) renderEvent(event, index > lastUser);
      } else if (labels[message.text] || !message.text.startsWith("/")) {
        addMessage("user", labels[message.text] || message.text);
      } // else: a button pressed on another device; its title is unknown here
    });
    for (const { shown } of outbox) {
      addMessage("user", shown).appendChild(el("p", "notice", TEXT.offline));
    }
    scrollToEnd();
  }

  /** The header's second line: the assistant, the place in the agents' queue, or the agent. */
  function showState(state) {
    if (!ready) return;
    if (state.state === "queue") status.textContent = format(TEXT.inQueue, state);
    else if (state.state === "agent") {
      status.textContent = format(TEXT.withAgent, { name: state.agent_name });
    } else status.textContent = TEXT.online;
    withPeople = state.state === "queue" || state.state === "agent";
    listen();
  }

  async function refreshState() {
    try {
      showState(await fetchJson(`widget/state/${sessionId()}`));
    } catch (error) { /* the header keeps what it said */ }
  }

  // While people have the chat (queue or agent), the server pushes who answers and when
  // the agent is typing, and the shopper's typing is shown to the agent.
  let withPeople = false;
  let events = null;
  let lastTypingSent = 0;

  function listen() {
    if (withPeople && !events && typeof EventSource === "function") {
      events = new EventSource(new URL(`widget/events/${sessionId()}`, BASE).href);
      events.addEventListener("state", (event) => showState(JSON.parse(event.data)));
      events.addEventListener("typing", (event) => {
        const { agent_name: name } = JSON.parse(event.data);
        showTyping(format(TEXT.agentTyping, { name }), AGENT_TYPING_MS);
      });
    } else if (!withPeople && events) {
      events.close();
      events = null;
    }
  }

  input.addEventListener("input", () => {
    const now = Date.now();
    if (!withPeople || now - lastTypingSent < 3000) return;
    lastTypingSent = now;
    fetch(new URL(`widget/typing/${sessionId()}`, BASE), { method: "POST", credentials: "omit" })
      .catch(() => { /* only a hint for the agent */ });
  });

  async function connect() {
    status.textContent = TEXT.connecting;
    const [io, config] = await Promise.all([loadSocketIo(), fetchJson("widget/config")]);
    await showConversation();
    socket = io(config.socket_url, { path: config.socket_path });
    socket.on("connect", () => socket.emit("session_request", { session_id: sessionId() }));
    socket.on("session_confirm", (confirmed) => {
      if (typeof confirmed !== "string" || !/^[0-9a-f]{32}$/.test(confirmed)) return;
      storage.write("session", confirmed); // a new id when the one kept was not the server's
      ready = true;
      status.textContent = TEXT.online;
      refreshState();
      flushOutbox();
    });
    socket.on("disconnect", (reason) => {
      ready = false;
      status.textContent = TEXT.reconnecting;
      if (reason === "io server disconnect") socket.connect(); // the client retries the rest
    });
    socket.on("connect_error", () => {
      status.textContent = TEXT.reconnecting;
    });
    socket.on("bot_uttered", showBotMessage);
  }

  /** Connects once; after a failure (server down) the next open or message tries again. */
  function start() {
    if (!starting) {
      starting = connect().catch((error) => {
        console.warn("Asistan: cannot connect", error);
        status.textContent = TEXT.unavailable;
        starting = null;
      });
    }
    return starting;
  }

  function mount() {
    document.body.appendChild(host);
    // A conversation already exists: show it and listen, so an agent's reply is heard even
    // before the shopper opens the panel. Otherwise nothing connects until the first open.
    if (storage.read("session", null)) start();
  }

  // An async script pasted into <head> may run before <body> exists.
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
