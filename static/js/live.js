// Live screens of a meeting (votes/views.py): keeps the server-rendered page current over the
// websocket ws/sitzungen/<id>/ and sends the actions of its buttons and forms.
//
// The page carries everything this script needs: the initial state (json_script "live-state"),
// its role (data-role), and every German text in data attributes of #live-strings, rendered
// with {% translate %} so that they are translated with the templates (no JS catalogue).
// The protocol is described in votes/consumers.py: the server sends {"type": "state"} on
// connect, replies {"type": "reply", "id", "ok", "result" | "error"} and pushes
// {"type": "event", "event"}.

const BACKOFF_FIRST_MS = 500;
const BACKOFF_MAX_MS = 30000;
const REPLY_TIMEOUT_MS = 15000;

const root = document.getElementById("live");
const stringsElement = document.getElementById("live-strings");
const stateElement = document.getElementById("live-state");

if (root && stringsElement && stateElement) {
  start(root, stringsElement.dataset, JSON.parse(stateElement.textContent));
}

function start(root, t, initialState) {
  const role = root.dataset.role;
  const canAct = role === "console" || role === "tablet";
  let state = initialState;
  let socket = null;
  let attempt = 0;
  let nextId = 1;
  // Requests waiting for their reply, by id. Ballots survive a reconnect and are sent again
  // with the same idempotency key, so a vote is counted once whatever the network did.
  const pending = new Map();
  // Poll titles seen in poll.opened, for the result shown after poll.closed.
  const pollTitles = new Map();
  let resultTitle = root.dataset.resultTitle || "";
  let annulled = null;
  let voteMessage = "";
  // Where the tablet's feedback was given (meeting state, current item, running poll); a
  // change there makes it stale (see clearStaleFeedback).
  let feedbackSituation = null;

  if (state.poll) pollTitles.set(state.poll.poll.id, state.poll.poll.title);

  // --- text ------------------------------------------------------------------------------

  function fmt(template, values) {
    return (template || "").replace(/%\((\w+)\)s/g, (_, key) =>
      values[key] === undefined || values[key] === null ? "" : String(values[key]),
    );
  }

  function choiceLabel(choice, candidateId) {
    if (candidateId) {
      const candidates = state.poll ? state.poll.poll.candidates : [];
      const found = candidates.find((c) => c.id === candidateId);
      return found ? found.name : "";
    }
    return t["choice" + capital(choice)] || choice;
  }

  function capital(word) {
    return String(word || "")
      .split("_")
      .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
      .join("");
  }

  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attributes || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "text") node.textContent = value;
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children.flat(Infinity)) {
      if (child !== null && child !== undefined && child !== false) {
        node.append(child);
      }
    }
    return node;
  }

  function regions(name) {
    return root.querySelectorAll(`[data-region="${name}"]`);
  }

  // What `build` returns may nest arrays and leave out parts with null or false;
  // replaceChildren would write those as text ("null", "[object HTMLSpanElement]").
  function nodes(built) {
    return [built].flat(Infinity).filter((part) => part !== null && part !== undefined && part !== false);
  }

  function fill(name, build) {
    for (const region of regions(name)) region.replaceChildren(...nodes(build()));
  }

  // --- connection ------------------------------------------------------------------------

  function socketUrl() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    return `${scheme}//${location.host}${root.dataset.socket}`;
  }

  function showConnection(text, kind) {
    for (const region of regions("connection")) {
      if (region.textContent !== text) region.textContent = text;
      region.dataset.state = kind;
    }
  }

  function connect() {
    showConnection(attempt ? t.reconnecting : t.connecting, "connecting");
    socket = new WebSocket(socketUrl());
    socket.addEventListener("open", () => {
      const reconnected = attempt > 0;
      attempt = 0;
      showConnection(t.connected, "connected");
      if (reconnected) request("state.get", {}).then(setStateFromReply, () => {});
      for (const [id, entry] of pending) {
        if (entry.retry) socket.send(JSON.stringify({ id, action: entry.action, ...entry.params }));
      }
    });
    socket.addEventListener("message", (message) => {
      let data;
      try {
        data = JSON.parse(message.data);
      } catch {
        return;
      }
      if (data.type === "state") setState(data.state);
      else if (data.type === "event" && data.event) applyEvent(data.event);
      else if (data.type === "reply") settle(data);
    });
    socket.addEventListener("close", () => {
      socket = null;
      for (const [id, entry] of pending) {
        if (!entry.retry) {
          pending.delete(id);
          clearTimeout(entry.timer);
          entry.reject({ code: "disconnected", message: t.errorDisconnected });
        }
      }
      // Exponential backoff with full jitter, so that a restarted server is not met by every
      // screen of the room at the same instant.
      const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** attempt);
      const delay = ceiling / 2 + Math.random() * (ceiling / 2);
      attempt += 1;
      showConnection(fmt(t.disconnected, { seconds: Math.ceil(delay / 1000) }), "disconnected");
      setTimeout(connect, delay);
    });
  }

  function randomKey() {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function request(action, params, options = {}) {
    return new Promise((resolve, reject) => {
      const id = nextId++;
      const entry = { action, params, resolve, reject, retry: Boolean(options.retry) };
      entry.timer = setTimeout(() => {
        pending.delete(id);
        reject({ code: "timeout", message: t.errorTimeout });
      }, REPLY_TIMEOUT_MS);
      pending.set(id, entry);
      if (socket && socket.readyState === WebSocket.OPEN) {
        socket.send(JSON.stringify({ id, action, ...params }));
      } else if (!entry.retry) {
        pending.delete(id);
        clearTimeout(entry.timer);
        reject({ code: "disconnected", message: t.errorDisconnected });
      }
    });
  }

  function settle(reply) {
    const entry = pending.get(reply.id);
    if (!entry) return;
    pending.delete(reply.id);
    clearTimeout(entry.timer);
    if (reply.ok) entry.resolve(reply.result || {});
    else entry.reject(reply.error || { message: t.errorGeneric });
  }

  // --- state and events ------------------------------------------------------------------

  function setStateFromReply(result) {
    setState(result && result.state ? result.state : result);
  }

  function setState(next) {
    if (!next || !next.meeting) return;
    state = next;
    if (state.poll) pollTitles.set(state.poll.poll.id, state.poll.poll.title);
    if (state.last_result) resultTitle = pollTitle(state.last_result);
    render();
  }

  function applyEvent(event) {
    switch (event.type) {
      case "meeting.state":
        state.meeting.state = event.state;
        break;
      case "agenda.current":
        state.agenda = event;
        state.speakers = null;
        // The new item's speaker list (and the tablet's own rights) come with the state.
        request("state.get", {}).then(setStateFromReply, () => {});
        break;
      case "attendance.changed":
        state.attendance = event.summary;
        markRoll(event.person_id, event.status);
        break;
      case "conflict.declared":
      case "conflict.withdrawn":
        markConflict(event);
        break;
      case "speakers.changed":
        if (state.agenda && event.agenda_item_id === state.agenda.agenda_item_id) {
          state.speakers = event;
        }
        break;
      case "poll.opened":
        pollTitles.set(event.poll.id, event.poll.title);
        state.poll = event;
        state.progress = {
          poll_id: event.poll.id,
          voted: 0,
          eligible: event.poll.eligible,
        };
        state.my_vote = null;
        annulled = null;
        voteMessage = "";
        removeDraft(event.poll.id);
        // Whether this member may vote was fixed when the poll opened; the state says.
        if (role === "tablet") request("state.get", {}).then(setStateFromReply, () => {});
        break;
      case "poll.progress":
        if (state.poll && state.poll.poll.id === event.poll_id) state.progress = event;
        break;
      case "poll.closed":
      case "poll.published":
        endRunning(event.poll_id);
        state.last_result = event;
        resultTitle = pollTitle(event);
        break;
      case "poll.annulled":
        endRunning(event.poll_id);
        removeDraft(event.poll_id);
        if (state.last_result && state.last_result.poll_id === event.poll_id) {
          state.last_result = null;
        }
        annulled = event;
        break;
      case "poll.created":
      case "poll.draft_annulled":
        // The event says nothing about the draft (everyone gets it); the chair's state lists
        // the drafts.
        if (role === "console") request("state.get", {}).then(setStateFromReply, () => {});
        return;
      default:
        return;
    }
    render();
  }

  function pollTitle(event) {
    // Result events carry the poll (its title a label where the item is not visible), so a
    // screen that joined after the opening can name it.
    if (event.poll && event.poll.title) return event.poll.title;
    return pollTitles.get(event.poll_id) || "";
  }

  function markConflict(event) {
    const me = state.viewer ? state.viewer.person_id : null;
    if (me && event.person_id === me) {
      setOwnConflict(event.agenda_item_id, event.type === "conflict.declared");
    }
    // The console lists every declaration with its reason, which only its state carries.
    if (role === "console") request("state.get", {}).then(setStateFromReply, () => {});
  }

  function setOwnConflict(itemId, declared) {
    const mine = new Set(state.my_conflicts || []);
    if (declared) mine.add(itemId);
    else mine.delete(itemId);
    state.my_conflicts = [...mine];
  }

  function endRunning(pollId) {
    if (state.poll && state.poll.poll.id === pollId) {
      state.poll = null;
      state.progress = null;
      state.my_vote = null;
      voteMessage = "";
    }
  }

  // --- rendering -------------------------------------------------------------------------

  function render() {
    renderMeeting();
    renderItem();
    renderSpeakers();
    renderAttendance();
    renderPoll();
    renderResult();
    if (role === "tablet") {
      clearStaleFeedback();
      renderAvailability();
      renderBallot();
      renderOwnConflict();
    }
    if (role === "console") renderConsole();
  }

  function renderMeeting() {
    const label = t["meetingState" + capital(state.meeting.state)] || state.meeting.state;
    fill("meeting-state", () => label);
    root.dataset.meetingState = state.meeting.state;
  }

  function currentItemId() {
    return state.agenda ? state.agenda.agenda_item_id : null;
  }

  function renderItem() {
    const item = state.agenda ? state.agenda.item : null;
    fill("item", () =>
      item
        ? [
            el("span", { class: "live-item__number", text: item.number }),
            " ",
            el("span", { class: "live-item__name", text: item.name }),
            item.public ? null : [" ", el("span", { class: "badge", text: t.nonPublic })],
          ]
        : el("span", { class: "live-item__none", text: t.noItem }),
    );
    for (const block of root.querySelectorAll("[data-item-papers]")) {
      block.hidden = Number(block.dataset.itemPapers) !== currentItemId();
    }
    for (const none of root.querySelectorAll("[data-papers-none]")) {
      none.hidden = root.querySelector(`[data-item-papers="${currentItemId()}"]`) !== null;
    }
  }

  function renderSpeakers() {
    const speakers = state.speakers ? state.speakers.speakers : [];
    fill("speakers", () => {
      if (!speakers.length) return el("p", { class: "live-empty", text: t.noSpeakers });
      return el(
        "ol",
        { class: "live-speakers" },
        speakers.map((speaker) =>
          el(
            "li",
            {
              class:
                "live-speakers__entry" +
                (speaker.state === "speaking" ? " live-speakers__entry--speaking" : "") +
                (speaker.kind === "point_of_order" ? " live-speakers__entry--order" : ""),
            },
            el("span", { class: "live-speakers__name", text: speaker.name }),
            speaker.state === "speaking"
              ? el("span", { class: "live-tag live-tag--speaking", text: t.speaking })
              : null,
            speaker.kind === "point_of_order"
              ? el("span", { class: "live-tag", text: t.pointOfOrder })
              : null,
            role === "console"
              ? el(
                  "button",
                  {
                    type: "button",
                    class: "live-button live-button--small",
                    "data-action": "speaker.remove",
                    "data-speaker-id": speaker.id,
                  },
                  t.remove,
                  el("span", { class: "visually-hidden", text: `: ${speaker.name}` }),
                )
              : null,
          ),
        ),
      );
    });
    if (role === "tablet") {
      const me = state.viewer.person_id;
      const own = speakers.find((s) => s.person_id === me && s.state === "waiting");
      for (const button of root.querySelectorAll("[data-own-speaker]")) {
        button.hidden = !own;
        if (own) button.dataset.speakerId = own.id;
      }
    }
  }

  function bar(parts, total) {
    // Drawn only: the words next to it say the same (aria-hidden).
    return el(
      "div",
      { class: "live-bar", "aria-hidden": "true" },
      parts.map(([value, modifier]) =>
        el("span", {
          class: `live-bar__part live-bar__part--${modifier}`,
          style: `width: ${total ? (100 * value) / total : 0}%`,
        }),
      ),
    );
  }

  function renderAttendance() {
    const a = state.attendance || { present: 0, absent: 0, excused: 0 };
    const total = a.present + a.absent + a.excused;
    fill("attendance", () => [
      el("p", { class: "live-attendance__text", text: fmt(t.attendance, a) }),
      bar(
        [
          [a.present, "present"],
          [a.excused, "excused"],
          [a.absent, "absent"],
        ],
        total,
      ),
    ]);
  }

  function renderPoll() {
    const poll = state.poll ? state.poll.poll : null;
    for (const region of regions("poll-running")) region.hidden = !poll;
    for (const region of regions("poll-idle")) region.hidden = Boolean(poll);
    if (!poll) return;
    fill("poll-title", () => poll.title);
    fill("poll-kind", () => t["kind" + capital(poll.kind)] || poll.kind);
    fill("poll-method", () => t["method" + capital(poll.majority_method)] || "");
    const progress = state.progress || { voted: 0, eligible: poll.eligible };
    fill("progress", () => [
      el("p", { class: "live-progress__text", text: fmt(t.progress, progress) }),
      bar([[progress.voted, "voted"]], progress.eligible),
    ]);
    fill("quorum", () =>
      fmt(t.quorum, {
        eligible: poll.eligible,
        statutory: poll.statutory,
        required: Math.floor(poll.statutory / 2) + 1,
      }),
    );
  }

  function resultRows(result) {
    const candidates = result.detail && result.detail.candidates;
    if (candidates && candidates.length) {
      return candidates
        .map((c) => [c.name, c.votes, "candidate"])
        .concat([[t.choiceAbstain, result.abstain || 0, "abstain"]]);
    }
    return [
      [t.choiceYes, result.yes || 0, "yes"],
      [t.choiceNo, result.no || 0, "no"],
      [t.choiceAbstain, result.abstain || 0, "abstain"],
    ];
  }

  function renderResult() {
    const result = state.last_result;
    for (const region of regions("result-box")) region.hidden = !result && !annulled;
    fill("annulled", () =>
      annulled
        ? [
            pollTitle(annulled) ? el("p", { class: "live-result__title", text: pollTitle(annulled) }) : null,
            el("p", { class: "alert alert--error", text: fmt(t.annulled, { reason: annulled.result.text }) }),
          ]
        : [],
    );
    if (!result) {
      fill("result", () => []);
      return;
    }
    const r = result.result;
    const rows = resultRows(r);
    const max = Math.max(1, ...rows.map((row) => row[1]));
    const names = (r.detail && r.detail.names) || null;
    fill("result", () => [
      resultTitle ? el("p", { class: "live-result__title", text: resultTitle }) : null,
      el(
        "p",
        { class: "live-result__short" + (r.accepted ? " live-result__short--accepted" : "") },
        r.short,
      ),
      el(
        "ul",
        { class: "live-chart" },
        rows.map(([label, value, modifier]) =>
          el(
            "li",
            { class: "live-chart__row" },
            el("span", { class: "live-chart__label", text: label }),
            el(
              "span",
              { class: "live-chart__track", "aria-hidden": "true" },
              el("span", {
                class: `live-chart__bar live-chart__bar--${modifier}`,
                style: `width: ${(100 * value) / max}%`,
              }),
            ),
            el("span", { class: "live-chart__value", text: String(value) }),
          ),
        ),
      ),
      r.text ? el("p", { class: "live-result__text", text: r.text }) : null,
      names
        ? el(
            "div",
            { class: "live-names" },
            ["yes", "no", "abstain", "not_voted"]
              .filter((key) => names[key] && names[key].length)
              .map((key) =>
                el(
                  "div",
                  { class: "live-names__group" },
                  el("h3", { text: key === "not_voted" ? t.notVoted : t["choice" + capital(key)] }),
                  el("p", { text: names[key].join(", ") }),
                ),
              ),
          )
        : null,
    ]);
  }

  function renderBallot() {
    const poll = state.poll ? state.poll.poll : null;
    const mine = state.my_vote;
    const buttons = root.querySelector("[data-region=ballot-buttons]");
    const note = [];
    let enabled = Boolean(poll);
    if (poll && poll.kind === "show_of_hands") {
      enabled = false;
      note.push(t.showOfHands);
    } else if (poll && mine && !mine.eligible) {
      enabled = false;
      note.push(t.notEligible);
    } else if (poll && mine && mine.voted && !poll.allow_vote_change) {
      enabled = false;
      note.push(t.changeNotAllowed);
    } else if (poll && mine && mine.voted) {
      note.push(t.changeAllowed);
    }
    if (buttons) {
      buttons.hidden = !enabled;
      const candidates = poll && poll.kind === "election" ? poll.candidates : [];
      const list = buttons.querySelector("[data-region=candidates]");
      if (list) {
        list.replaceChildren(
          ...candidates.map((c) =>
            el(
              "button",
              {
                type: "button",
                class: "live-vote",
                "data-action": "ballot.cast",
                "data-candidate-id": c.id,
              },
              c.name,
            ),
          ),
        );
      }
      for (const button of buttons.querySelectorAll("[data-choice]")) {
        button.hidden = Boolean(candidates.length) && button.dataset.choice !== "abstain";
      }
      for (const button of buttons.querySelectorAll("[data-action='ballot.cast']")) {
        const chosen =
          mine &&
          mine.voted &&
          ((button.dataset.choice && button.dataset.choice === mine.choice) ||
            (button.dataset.candidateId && Number(button.dataset.candidateId) === mine.candidate_id));
        button.setAttribute("aria-pressed", chosen ? "true" : "false");
      }
    }
    fill("ballot-note", () => note.map((text) => el("p", { text })));
    let text = voteMessage;
    if (!text && mine && mine.voted) {
      text = mine.choice || mine.candidate_id
        ? fmt(t.myVote, { choice: choiceLabel(mine.choice, mine.candidate_id) })
        : t.myVoteSecret;
    }
    for (const region of regions("my-vote")) {
      if (region.textContent !== text) region.textContent = text;
    }
  }

  // Why the tablet offers no speaker request or conflict declaration now (votes/views.py
  // decides the same for the first render): "not-running", "no-item" or "" (it does).
  function unavailable() {
    if (state.meeting.state !== "running") return "not-running";
    if (currentItemId() === null) return "no-item";
    return "";
  }

  function renderAvailability() {
    const reason = unavailable();
    for (const block of root.querySelectorAll("[data-needs-item]")) block.hidden = Boolean(reason);
    for (const hint of root.querySelectorAll("[data-unavailable]")) {
      hint.hidden = hint.dataset.unavailable !== reason;
    }
  }

  function renderOwnConflict() {
    const item = currentItemId();
    const open = !unavailable();
    const declared = open && item !== null && (state.my_conflicts || []).includes(item);
    for (const region of regions("conflict-declared")) region.hidden = !declared;
    for (const form of root.querySelectorAll("form[data-action='conflict.declare']")) {
      form.hidden = !open || declared;
    }
  }

  // --- console ---------------------------------------------------------------------------

  // Rebuilds a list only when what it shows changed, so that a button is not replaced under
  // the pointer or the keyboard focus by an unrelated event.
  function fillIfChanged(name, data, build) {
    const key = JSON.stringify(data);
    for (const region of regions(name)) {
      if (region.dataset.shown === key) continue;
      region.dataset.shown = key;
      region.replaceChildren(...nodes(build()));
    }
  }

  function renderConsole() {
    const meetingState = state.meeting.state;
    for (const button of root.querySelectorAll("[data-show-when]")) {
      const when = button.dataset.showWhen.split(" ");
      button.hidden = !when.includes(meetingState);
    }
    // A question whose button is gone (another console closed the meeting) is moot.
    for (const box of root.querySelectorAll("[data-confirm-box]")) {
      const trigger = confirmTrigger(box);
      if (!box.hidden && (!trigger || trigger.hidden)) closeConfirm(box, false);
    }
    for (const button of root.querySelectorAll("[data-action='agenda.current']")) {
      const id = button.dataset.agendaItemId === "null" ? null : Number(button.dataset.agendaItemId);
      button.setAttribute("aria-pressed", id === currentItemId() ? "true" : "false");
    }
    const poll = state.poll ? state.poll.poll : null;
    for (const form of root.querySelectorAll("[data-poll-kinds]")) {
      form.hidden = !poll || !form.dataset.pollKinds.split(" ").includes(poll.kind);
    }
    const result = state.last_result;
    for (const button of root.querySelectorAll("[data-result-action]")) {
      button.hidden = !result || result.state !== "closed";
    }
    renderProxy(poll);
    const conflicts = state.conflicts || [];
    fillIfChanged("conflicts", [conflicts, currentItemId()], () => conflicts.map(conflictEntry));
    for (const none of root.querySelectorAll("[data-conflicts-none]")) none.hidden = conflicts.length > 0;
    const drafts = state.drafts || [];
    fillIfChanged("drafts", drafts, () => drafts.map(draftEntry));
    for (const none of root.querySelectorAll("[data-drafts-none]")) none.hidden = drafts.length > 0;
  }

  function renderProxy(poll) {
    // Recording the vote of a member without a tablet: yes/no/abstain, or in an election the
    // candidates and abstain.
    const candidates = poll && poll.kind === "election" ? poll.candidates : [];
    fillIfChanged("proxy-candidates", candidates, () =>
      candidates.map((c) =>
        el(
          "button",
          { type: "submit", name: "candidate_id", value: c.id, class: "live-button live-button--secondary" },
          c.name,
        ),
      ),
    );
    for (const region of regions("proxy-candidates")) region.hidden = !candidates.length;
    for (const button of root.querySelectorAll("[data-proxy-choice]")) {
      button.hidden = Boolean(candidates.length) && button.value !== "abstain";
    }
  }

  function conflictEntry(conflict) {
    const current = conflict.agenda_item_id === currentItemId();
    return el(
      "li",
      {
        class: "live-conflict" + (current ? " live-conflict--current" : ""),
        "data-conflict-item": conflict.agenda_item_id,
        "data-person": conflict.person_id,
      },
      el("span", { class: "live-item__number", text: conflict.item_number }),
      " ",
      conflict.name,
      conflict.reason ? ` – ${conflict.reason}` : null,
      " ",
      el(
        "button",
        {
          type: "button",
          class: "live-button live-button--small",
          "data-action": "conflict.remove",
          "data-agenda-item-id": conflict.agenda_item_id,
          "data-person-id": conflict.person_id,
          "data-success": t.conflictRemoved,
        },
        t.remove,
        el("span", { class: "visually-hidden", text: `: ${conflict.name}, ${conflict.item_number}` }),
      ),
    );
  }

  function draftEntry(poll) {
    return el(
      "li",
      { class: "live-draft", "data-draft": poll.id },
      poll.item_number ? [el("span", { class: "live-item__number", text: poll.item_number }), " "] : null,
      el("span", { class: "live-draft__title", text: poll.title }),
      " ",
      el(
        "button",
        {
          type: "button",
          class: "live-button",
          "data-action": "poll.open",
          "data-poll-id": poll.id,
          "data-success": t.pollOpened,
        },
        t.openPoll,
        el("span", { class: "visually-hidden", text: `: ${poll.title}` }),
      ),
      " ",
      el(
        "button",
        {
          type: "button",
          class: "live-button live-button--secondary",
          "data-action": "poll.annul",
          "data-poll-id": poll.id,
          "data-reason": t.draftDiscardReason,
          "data-success": t.draftDiscarded,
        },
        t.discardDraft,
        el("span", { class: "visually-hidden", text: `: ${poll.title}` }),
      ),
    );
  }

  function markRoll(personId, status) {
    const row = root.querySelector(`[data-roll-person="${personId}"]`);
    if (!row) return;
    for (const button of row.querySelectorAll("[data-status]")) {
      button.setAttribute("aria-pressed", button.dataset.status === status ? "true" : "false");
    }
    const label = row.querySelector("[data-roll-status]");
    if (label) label.textContent = t["attendance" + capital(status)] || status;
  }

  function addDraft(poll) {
    if (!poll || !poll.id || !Array.isArray(state.drafts)) return;
    if (state.drafts.some((draft) => draft.id === poll.id)) return;
    state.drafts = state.drafts.concat([poll]);
  }

  function removeDraft(pollId) {
    if (Array.isArray(state.drafts)) state.drafts = state.drafts.filter((draft) => draft.id !== pollId);
  }

  // --- confirmation ----------------------------------------------------------------------

  // A button with data-confirm="<id>" does not act itself: it shows the confirmation <id>
  // (data-confirm-box, a group named by its question, holding the button that acts and one
  // with data-confirm-cancel) and moves the focus there. Abbrechen or Escape hides it again
  // and gives the focus back to the button.
  function confirmTrigger(box) {
    return root.querySelector(`[data-confirm="${box.id}"]`);
  }

  function openConfirm(trigger) {
    const box = document.getElementById(trigger.dataset.confirm);
    if (!box) return;
    box.hidden = false;
    trigger.setAttribute("aria-expanded", "true");
    box.focus();
  }

  function closeConfirm(box, focusTrigger) {
    const trigger = confirmTrigger(box);
    const hadFocus = box.contains(document.activeElement);
    box.hidden = true;
    if (trigger) trigger.setAttribute("aria-expanded", "false");
    if (!hadFocus) return;
    if (focusTrigger && trigger && !trigger.hidden) {
      trigger.focus();
    } else {
      // The question answered, its button goes too (the meeting is closed): the focus stays
      // in the panel, on its heading, rather than falling back to the top of the page.
      const heading = box.closest("section") && box.closest("section").querySelector("h2");
      if (heading) {
        heading.setAttribute("tabindex", "-1");
        heading.focus();
      }
    }
  }

  // --- actions ---------------------------------------------------------------------------

  function feedback(ok, text) {
    for (const region of regions(ok ? "feedback-ok" : "feedback-error")) {
      region.textContent = text;
    }
    for (const region of regions(ok ? "feedback-error" : "feedback-ok")) {
      region.textContent = "";
    }
    feedbackSituation = text ? situation() : null;
  }

  function situation() {
    return JSON.stringify([state.meeting.state, currentItemId(), state.poll ? state.poll.poll.id : null]);
  }

  // On the tablet a message answers the member's own latest action; once the meeting state,
  // the current item or the running poll changes it no longer fits and goes (an answer on the
  // console comes before the event its own action causes, so the console keeps its messages).
  function clearStaleFeedback() {
    if (feedbackSituation === null || feedbackSituation === situation()) return;
    feedbackSituation = null;
    for (const region of [...regions("feedback-ok"), ...regions("feedback-error")]) {
      region.textContent = "";
    }
  }

  function snake(key) {
    return key.replace(/[A-Z]/g, (letter) => "_" + letter.toLowerCase());
  }

  function parse(key, value) {
    if (value === "null") return null;
    if (/_id$|^(yes|no|abstain)$/.test(key) && value !== "") return Number(value);
    return value;
  }

  // Data attributes that steer this script rather than name a parameter of the action.
  const NOT_PARAMS = new Set([
    "action",
    "success",
    "keep",
    "pollKinds",
    "showWhen",
    "needsScript",
    "ownSpeaker",
    "resultAction",
  ]);

  function paramsFrom(element) {
    const params = {};
    for (const [key, value] of Object.entries(element.dataset)) {
      if (NOT_PARAMS.has(key)) continue;
      params[snake(key)] = parse(snake(key), value);
    }
    return params;
  }

  function paramsFromForm(form, submitter) {
    const params = paramsFrom(form);
    for (const field of form.elements) {
      if (!field.name || field.type === "submit") continue;
      if (field.type === "checkbox") params[field.name] = field.checked;
      else if (field.name === "candidates") {
        params.candidates = field.value.split("\n").map((line) => line.trim()).filter(Boolean);
      } else if (field.value !== "" || !/_id$/.test(field.name)) {
        params[field.name] = parse(field.name, field.value);
      }
    }
    if (submitter && submitter.name) params[submitter.name] = parse(submitter.name, submitter.value);
    return params;
  }

  const NEEDS_ITEM = new Set([
    "speaker.request",
    "speaker.add",
    "speaker.next",
    "conflict.declare",
    "conflict.record",
    "conflict.withdraw",
    "conflict.remove",
  ]);
  const NEEDS_POLL = new Set(["ballot.cast", "show_of_hands.record"]);

  function complete(action, params) {
    if (NEEDS_ITEM.has(action) && params.agenda_item_id === undefined) {
      if (currentItemId() === null) return t.errorNoItem;
      params.agenda_item_id = currentItemId();
    }
    if (action === "poll.create" && params.agenda_item_id === undefined && currentItemId()) {
      params.agenda_item_id = currentItemId();
    }
    if ((NEEDS_POLL.has(action) || action.startsWith("poll.")) && params.poll_id === undefined) {
      if (action !== "poll.create") {
        const target = params.target === "result" ? state.last_result : null;
        delete params.target;
        const pollId = target ? target.poll_id : state.poll ? state.poll.poll.id : null;
        if (pollId === null) return t.errorNoPoll;
        params.poll_id = pollId;
      }
    }
    if (action === "ballot.cast") {
      params.idempotency_key = randomKey();
      if (!params.choice && !params.candidate_id) params.choice = "abstain";
    }
    return null;
  }

  function perform(action, params, source) {
    const problem = complete(action, params);
    if (problem) {
      feedback(false, problem);
      return;
    }
    const retry = action === "ballot.cast";
    // The answer to a confirmation: the question goes whatever the server says.
    const box = source ? source.closest("[data-confirm-box]") : null;
    if (source) source.setAttribute("aria-busy", "true");
    request(action, params, { retry })
      .then((result) => {
        if (box) closeConfirm(box, false);
        succeeded(action, params, result, source);
      })
      .catch((error) => {
        if (box) closeConfirm(box, true);
        feedback(false, (error && error.message) || t.errorGeneric);
      })
      .finally(() => {
        if (source) source.removeAttribute("aria-busy");
      });
  }

  function succeeded(action, params, result, source) {
    if (action === "ballot.cast" && role === "tablet") {
      const choice = result.choice || params.choice || "";
      const candidateId = result.candidate_id || params.candidate_id || null;
      const label = choiceLabel(choice, candidateId);
      const status = result.status || "recorded";
      const template = status === "changed" ? t.voteChanged : status === "duplicate" ? t.voteDuplicate : t.voteRecorded;
      voteMessage = fmt(template, { choice: label });
      state.my_vote = { voted: true, eligible: true, choice, candidate_id: candidateId };
      feedback(true, "");
      render();
      return;
    }
    if (action === "poll.create") {
      const id = result.poll_id || (result.poll && result.poll.id);
      // Shown at once; the poll.created event then fetches the drafts as the server has them.
      addDraft({ id, title: params.title, kind: params.kind, agenda_item_id: params.agenda_item_id || null, item_number: "" });
      if (source && source.tagName === "FORM") source.reset();
      render();
    }
    if (role === "tablet" && (action === "conflict.declare" || action === "conflict.withdraw")) {
      setOwnConflict(result.agenda_item_id, action === "conflict.declare");
      render();
    }
    if (source && source.tagName === "FORM") {
      // The console's next vote, speaker or conflict is for a person chosen anew, never the
      // last one again.
      for (const select of source.querySelectorAll("select[name=person_id]")) select.value = "";
    }
    if (source && source.tagName === "FORM" && action !== "poll.create" && source.dataset.keep === undefined) {
      for (const field of source.querySelectorAll("input[type=text], input[type=number], textarea")) {
        field.value = "";
      }
    }
    const message = (source && source.dataset.success) || t.done;
    feedback(true, message);
  }

  async function markAllPresent(source) {
    // One attendance message per member not yet present, one after the other (the server
    // limits bursts per connection); the roll follows from the attendance events.
    const buttons = Array.from(
      root.querySelectorAll("[data-action='attendance.record'][data-status='present']"),
    ).filter((button) => button.getAttribute("aria-pressed") !== "true");
    source.setAttribute("aria-busy", "true");
    try {
      for (const button of buttons) await request("attendance.record", paramsFrom(button));
      feedback(true, source.dataset.success || t.done);
    } catch (error) {
      feedback(false, (error && error.message) || t.errorGeneric);
    } finally {
      source.removeAttribute("aria-busy");
    }
  }

  if (canAct) {
    root.addEventListener("click", (event) => {
      const all = event.target.closest("button[data-roll-all]");
      if (all) {
        event.preventDefault();
        markAllPresent(all);
        return;
      }
      const ask = event.target.closest("button[data-confirm]");
      if (ask) {
        event.preventDefault();
        openConfirm(ask);
        return;
      }
      const cancel = event.target.closest("button[data-confirm-cancel]");
      if (cancel) {
        event.preventDefault();
        const box = cancel.closest("[data-confirm-box]");
        if (box) closeConfirm(box, true);
        return;
      }
      const button = event.target.closest("button[data-action]");
      if (!button || button.form) return;
      event.preventDefault();
      perform(button.dataset.action, paramsFrom(button), button);
    });
    root.addEventListener("keydown", (event) => {
      if (event.key !== "Escape") return;
      const box = event.target.closest("[data-confirm-box]");
      if (!box) return;
      event.preventDefault();
      closeConfirm(box, true);
    });
    root.addEventListener("submit", (event) => {
      const form = event.target.closest("form[data-action]");
      if (!form) return;
      event.preventDefault();
      const params = paramsFromForm(form, event.submitter);
      perform(form.dataset.action, params, form);
    });
  }

  for (const form of root.querySelectorAll("form[data-action]")) {
    for (const control of form.querySelectorAll("[disabled][data-needs-script]")) {
      control.disabled = false;
    }
  }
  for (const button of root.querySelectorAll("button[data-needs-script]")) button.disabled = false;

  render();
  connect();
}
