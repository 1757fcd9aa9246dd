/*
 * AI Analyst — browser UI.
 *
 * One page, three views (sign in, forced password change, chat, which also holds the Exports
 * page at #exports, the Proposals page at #proposals and the Uploads page at #uploads), no
 * framework and no build step.
 * Everything from the user or the server is inserted with textContent, never HTML, and the
 * server's chart SVG is shown through a blob: image so it can never run script in the page.
 * The server's Content-Security-Policy forbids inline script and inline style attributes, so
 * all behaviour lives here and styling goes through classes (or element.style).
 */
(() => {
  'use strict';

  const MAX_QUESTION = 8000;
  const COUNTER_FROM = 7000;          // show the character counter only near the limit
  const MIN_PASSWORD = 10;

  const state = {
    user: null,              // {username, is_admin, must_change_password}
    csrf: null,              // sent as X-CSRF-Token on POST/DELETE
    workspace: 'sales',
    suggestions: [],
    workspaces: [],
    conversations: [],
    conversationId: null,    // null = a new conversation (the server creates it on first ask)
    busy: false,             // a question is being answered
    threadEpoch: 0,          // bumped whenever the thread is cleared, to drop stale answers
    objectUrls: new Set(),   // chart blob: URLs of the current thread, revoked on clear
    exportsTimer: null,      // the Exports page's refresh while an export runs
    proposalsEpoch: 0,       // bumped on each Proposals page load, to drop stale lists
    uploadsEpoch: 0,         // bumped on each Uploads page load (and sign-out), to drop stale lists
    uploadsTimer: null,      // the Uploads page's refresh while a batch loads
    profilesEpoch: 0,        // the same for the Uploads page's list of vendor formats
    uploadFiles: [],         // files chosen or dropped, not sent yet
    uploadSending: false,    // the chosen files are being sent
  };

  const $ = (id) => document.getElementById(id);

  /* ====================================================================================
   * DOM helpers
   * ==================================================================================== */

  /** Creates an element; `props` are set as properties (className, textContent, type…). */
  function el(tag, props = {}, children = []) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props)) {
      if (value === undefined || value === null) continue;
      if (key === 'attrs') {
        for (const [name, attr] of Object.entries(value)) node.setAttribute(name, attr);
      } else {
        node[key] = value;
      }
    }
    for (const child of children) if (child) node.append(child);
    return node;
  }

  const ICONS = {
    trash: 'M4 7h16M10 11v6M14 11v6M6 7l1 12a2 2 0 0 0 2 2h6a2 2 0 0 0 2-2l1-12M9 7V4h6v3',
    download: 'M12 4v11M7 10l5 5 5-5M5 20h14',
    info: 'M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20zM12 8h.01M11 12h1v5h1',
    export: 'M14 4h6v6M20 4l-9 9M19 14v5a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1V6a1 1 0 0 1 1-1h5',
    propose: 'M9 5H7a2 2 0 0 0-2 2v12a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V7a2 2 0 0 0-2-2h-2M9 5a2 2 0 0 1 2-2h2a2 2 0 0 1 2 2v0a2 2 0 0 1-2 2h-2a2 2 0 0 1-2-2zM9 14l2 2 4-4',
  };

  /** A stroked SVG icon, hidden from assistive technology (its button carries the label). */
  function icon(name, className) {
    const ns = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    if (className) svg.setAttribute('class', className);
    const path = document.createElementNS(ns, 'path');
    path.setAttribute('d', ICONS[name]);
    path.setAttribute('fill', 'none');
    path.setAttribute('stroke', 'currentColor');
    path.setAttribute('stroke-width', '2');
    path.setAttribute('stroke-linecap', 'round');
    path.setAttribute('stroke-linejoin', 'round');
    svg.append(path);
    return svg;
  }

  const reducedMotion = () => window.matchMedia('(prefers-reduced-motion: reduce)').matches;

  /** Server messages are lower-case sentence fragments; show them as sentences. */
  function sentence(text) {
    const s = String(text || '').trim();
    if (!s) return 'Something went wrong. Please try again.';
    const capped = s.charAt(0).toUpperCase() + s.slice(1);
    return /[.!?…]$/.test(capped) ? capped : `${capped}.`;
  }

  /** Tells screen readers about a new answer without re-reading the whole thread. */
  function announce(text) {
    const region = $('announcer');
    region.textContent = '';
    // A tick later, so the same text twice is still announced.
    window.setTimeout(() => { region.textContent = text; }, 50);
  }

  /** A short notice at the bottom of the screen (errors use role="alert"). */
  function toast(message, kind = 'info') {
    const node = el('div', { className: `toast${kind === 'error' ? ' is-error' : ''}`, textContent: message });
    node.setAttribute('role', kind === 'error' ? 'alert' : 'status');
    $('toasts').append(node);
    window.setTimeout(() => node.remove(), kind === 'error' ? 7000 : 3500);
  }

  /* ====================================================================================
   * API client
   * ==================================================================================== */

  class ApiError extends Error {
    constructor(status, code, message, retryAfter) {
      super(message);
      this.status = status;
      this.code = code;
      this.retryAfter = retryAfter;
    }
  }

  /**
   * Sends a JSON request (or a multipart one, when `body` is FormData) and returns the parsed
   * body (null for 204). Failures become an ApiError carrying the server's friendly
   * `error.message`, never raw JSON.
   * A 401 after sign-in means the session ended: we go back to the sign-in view.
   */
  async function request(method, path, body, { retryCsrf = true } = {}) {
    const headers = { Accept: 'application/json' };
    const multipart = body instanceof FormData;   // the browser writes its Content-Type
    if (method !== 'GET') {
      if (!multipart) headers['Content-Type'] = 'application/json';
      if (state.csrf) headers['X-CSRF-Token'] = state.csrf;
    }
    let response;
    try {
      response = await fetch(path, {
        method,
        headers,
        credentials: 'same-origin',
        body: body === undefined || multipart ? body : JSON.stringify(body),
      });
    } catch (_) {
      throw new ApiError(0, 'network', 'Could not reach the server. Check your connection and try again.');
    }
    const data = await readJson(response);
    if (response.ok) return data;

    const error = toApiError(response, data);
    // A stale CSRF token (e.g. the session was renewed in another tab): refresh it once.
    if (error.status === 403 && error.code === 'csrf' && retryCsrf && state.user) {
      const session = await request('GET', '/api/v1/session', undefined, { retryCsrf: false });
      applySession(session);
      return request(method, path, body, { retryCsrf: false });
    }
    // invalid_credentials is a wrong current password on the password form, not a lost session.
    if (error.status === 401 && state.user && error.code !== 'invalid_credentials') sessionLost();
    if (error.status === 403 && error.code === 'password_change_required' && state.user) {
      state.user.must_change_password = true;
      showPasswordView();
    }
    throw error;
  }

  async function readJson(response) {
    if (response.status === 204) return null;
    const text = await response.text().catch(() => '');
    if (!text) return null;
    try {
      return JSON.parse(text);
    } catch (_) {
      return null;   // e.g. an HTML error page from a proxy: never shown as-is
    }
  }

  function toApiError(response, data) {
    const retry = Number.parseInt(response.headers.get('Retry-After') || '', 10);
    const retryAfter = Number.isFinite(retry) ? retry : null;
    const detail = data && data.error ? data.error : {};
    let message = detail.message ? sentence(detail.message) : defaultMessage(response.status);
    // Rate limits get a generic text with the wait; other 429s (too_many_exports) say why.
    if (response.status === 429 && (!detail.message || detail.code === 'rate_limited')) {
      message = tooManyMessage(retryAfter);
    }
    return new ApiError(response.status, detail.code || null, message, retryAfter);
  }

  function defaultMessage(status) {
    if (status === 413) return 'That request is too large. Please shorten it and try again.';
    if (status >= 500) return 'Something went wrong on our side. Please try again in a moment.';
    return 'The request could not be completed. Please try again.';
  }

  function tooManyMessage(seconds) {
    if (!seconds) return 'Too many attempts — please wait a moment and try again.';
    return `Too many attempts — try again in ${seconds} second${seconds === 1 ? '' : 's'}.`;
  }

  const api = {
    session: () => request('GET', '/api/v1/session'),
    login: (username, password) => request('POST', '/api/v1/auth/login', { username, password }),
    logout: () => request('POST', '/api/v1/auth/logout'),
    changePassword: (current, next) =>
      request('POST', '/api/v1/auth/password', { current_password: current, new_password: next }),
    workspaceContext: () => request('POST', '/ai_analyst/workspace/context'),
    chat: (body) => request('POST', '/ai_analyst/chat', body),
    conversations: () => request('GET', '/api/v1/conversations'),
    conversation: (id) => request('GET', `/api/v1/conversations/${encodeURIComponent(id)}`),
    deleteConversation: (id) => request('DELETE', `/api/v1/conversations/${encodeURIComponent(id)}`),
    startExport: (body) => request('POST', '/ai_analyst/export/start', body),
    exportStatus: (path) => request('GET', path),
    exports: () => request('GET', '/api/v1/exports'),
    cancelJob: (id) => request('POST', `/api/v1/jobs/${encodeURIComponent(id)}/cancel`),
    propose: (body) => request('POST', '/api/v1/proposals', body),
    proposals: (search) => request('GET', `/api/v1/proposals${search ? `?${search}` : ''}`),
    proposal: (reference) => request('GET', `/api/v1/proposals/${encodeURIComponent(reference)}`),
    approveProposal: (reference, execute) =>
      request('POST', `/ai_analyst/proposal/${encodeURIComponent(reference)}/approve`, execute ? { execute: true } : {}),
    rejectProposal: (reference, reason) =>
      request('POST', `/ai_analyst/proposal/${encodeURIComponent(reference)}/reject`, { reason }),
    executeProposal: (reference) => request('POST', `/ai_analyst/proposal/${encodeURIComponent(reference)}/execute`, {}),
    sendUpload: (form) => request('POST', '/api/v1/uploads', form),
    uploads: () => request('GET', '/api/v1/uploads'),
    upload: (id) => request('GET', `/api/v1/uploads/${encodeURIComponent(id)}`),
    mapUpload: (id, body) => request('POST', `/api/v1/uploads/${encodeURIComponent(id)}/mapping`, body),
    uploadProfiles: () => request('GET', '/api/v1/upload-profiles'),
  };

  /* ====================================================================================
   * Session and views
   * ==================================================================================== */

  function applySession(session) {
    state.user = session && session.user ? session.user : null;
    state.csrf = session ? session.csrf_token || null : null;
  }

  /** Shows exactly one of the views (callers move the focus). */
  function showView(name) {
    for (const view of ['boot', 'login', 'password', 'chat']) $(`view-${view}`).hidden = view !== name;
    document.querySelector('.skip-link').hidden = name !== 'chat';
    document.title = name === 'chat' ? 'AI Analyst' : name === 'password' ? 'New password · AI Analyst' : 'Sign in · AI Analyst';
  }

  function showLoginView(message = '') {
    closeDrawer(false);
    showView('login');
    $('login-error').textContent = message;
    $('password').value = '';
    setBusy($('login-submit'), false, 'Sign in');
    $('username').focus();
  }

  function showPasswordView() {
    showView('password');
    $('password-form').reset();
    $('password-error').textContent = '';
    // Lets password managers store the new password under the right account.
    $('password-username').value = state.user ? state.user.username : '';
    $('current-password').focus();
  }

  /** Decides where a signed-in user goes next. */
  function enter(session) {
    applySession(session);
    if (!state.user) return showLoginView();
    if (state.user.must_change_password) return showPasswordView();
    return enterChat();
  }

  /** A 401 after sign-in: the session expired or was ended elsewhere. */
  function sessionLost() {
    resetClientState();
    showLoginView('Your session has ended. Please sign in again.');
  }

  function resetClientState() {
    applySession(null);
    clearThread();
    state.conversationId = null;
    state.conversations = [];
    state.busy = false;
    stopExportsRefresh();
    state.proposalsEpoch += 1;
    $('conversations').replaceChildren();
    $('proposals-list').replaceChildren();
    resetUploads();
  }

  /** Disables a submit button while its request runs, with a label saying so. */
  function setBusy(button, busy, label) {
    button.disabled = busy;
    button.textContent = label;
    button.setAttribute('aria-busy', String(busy));
  }

  async function onLoginSubmit(event) {
    event.preventDefault();
    const username = $('username').value.trim();
    const password = $('password').value;
    const error = $('login-error');
    error.textContent = '';
    if (!username || !password) {
      error.textContent = 'Enter your username and password.';
      (username ? $('password') : $('username')).focus();
      return;
    }
    setBusy($('login-submit'), true, 'Signing in…');
    try {
      const session = await api.login(username, password);
      $('login-form').reset();
      setBusy($('login-submit'), false, 'Sign in');
      await enter(session);
    } catch (err) {
      setBusy($('login-submit'), false, 'Sign in');
      error.textContent = err.status === 401 ? 'Wrong username or password.' : err.message;
      $('password').select();
      $('password').focus();
    }
  }

  async function onPasswordSubmit(event) {
    event.preventDefault();
    const current = $('current-password').value;
    const next = $('new-password').value;
    const confirm = $('confirm-password').value;
    const error = $('password-error');
    error.textContent = '';
    // Checked here first so people do not wait for a round trip to learn the basics.
    let problem = '';
    let field = null;
    if (!current) [problem, field] = ['Enter your current (one-time) password.', 'current-password'];
    else if (next.length < MIN_PASSWORD) [problem, field] = [`The new password must be at least ${MIN_PASSWORD} characters long.`, 'new-password'];
    else if (next !== confirm) [problem, field] = ['The two new passwords do not match.', 'confirm-password'];
    if (problem) {
      error.textContent = problem;
      $(field).focus();
      return;
    }
    setBusy($('password-submit'), true, 'Saving…');
    try {
      const session = await api.changePassword(current, next);   // carries a NEW csrf token
      setBusy($('password-submit'), false, 'Save and continue');
      $('password-form').reset();
      await enter(session);
      toast('Password changed.');
    } catch (err) {
      setBusy($('password-submit'), false, 'Save and continue');
      if (err.status === 401 && !state.user) return;   // session ended: already on sign-in
      error.textContent = err.code === 'invalid_credentials' ? 'Your current password is not correct.' : err.message;
      $(err.status === 400 ? 'new-password' : 'current-password').focus();
    }
  }

  async function logout() {
    try {
      await api.logout();
    } catch (_) {
      // Signing out locally is what the person asked for, even if the server is unreachable.
    }
    resetClientState();
    showLoginView();
  }

  /* ====================================================================================
   * Chat view: workspaces, suggestions, conversation list, drawer
   * ==================================================================================== */

  async function enterChat() {
    showView('chat');
    $('user-name').textContent = state.user.username;
    clearThread();
    state.conversationId = null;
    renderWelcome();
    route();
    await Promise.all([loadSuggestions(), loadConversations()]);
  }

  async function loadSuggestions() {
    try {
      const data = await api.workspaceContext();
      state.workspaces = Array.isArray(data && data.workspaces) ? data.workspaces : [];
      renderWorkspaces(data && data.workspace);
    } catch (err) {
      state.workspaces = [];
      renderWorkspaces(state.workspace);
    }
    showWorkspaceSuggestions();
  }

  function renderWorkspaces(current) {
    const select = $('workspace');
    const workspaces = state.workspaces.length ? state.workspaces : [{ code: current || state.workspace, name: 'Sales' }];
    state.workspace = current || workspaces[0].code;
    select.replaceChildren(...workspaces.map((w) => el('option', { value: w.code, textContent: w.name || w.code, title: w.description || '' })));
    select.value = state.workspace;
  }

  /** The suggested questions of the current workspace, as chips on the welcome card. */
  function showWorkspaceSuggestions() {
    const current = state.workspaces.find((w) => w.code === state.workspace);
    state.suggestions = current && Array.isArray(current.prompts) ? current.prompts : [];
    // The welcome may already be on screen: fill in the chips now that we have them.
    if (isThreadEmpty()) renderWelcome();
  }

  async function loadConversations() {
    const status = $('conversations-status');
    try {
      const data = await api.conversations();
      const list = Array.isArray(data && data.conversations) ? data.conversations : [];
      // Newest first, whatever order the server used.
      state.conversations = list.slice().sort((a, b) => stamp(b) - stamp(a));
      status.hidden = state.conversations.length > 0;
      status.textContent = 'Your conversations will appear here.';
    } catch (err) {
      if (err.status === 401) return;
      status.hidden = false;
      status.textContent = 'Could not load your conversations.';
    }
    renderConversations();
  }

  const stamp = (c) => Date.parse(c.updated_at || c.created_at || '') || 0;

  function renderConversations() {
    const list = $('conversations');
    list.replaceChildren(...state.conversations.map(conversationItem));
  }

  function conversationItem(conversation) {
    const title = conversation.title || 'Untitled conversation';
    const item = el('li', { className: 'conversation-item' });
    item.dataset.id = conversation.id;
    if (conversation.id === state.conversationId) item.setAttribute('aria-current', 'true');

    const open = el('button', { type: 'button', className: 'conversation-open', title }, [
      el('span', { className: 'conversation-title', textContent: title }),
      timeElement(conversation.updated_at || conversation.created_at, 'conversation-date'),
    ]);
    open.addEventListener('click', () => openConversation(conversation.id));

    const remove = el('button', { type: 'button', className: 'icon-btn conversation-delete' }, [icon('trash')]);
    remove.setAttribute('aria-label', `Delete conversation: ${title}`);
    remove.addEventListener('click', () => confirmDelete(item, conversation));
    item.append(open, remove);
    return item;
  }

  /** Replaces an item with an inline "Delete? yes / cancel" step; Escape cancels. */
  function confirmDelete(item, conversation) {
    const cancel = el('button', { type: 'button', className: 'btn btn-ghost btn-small', textContent: 'Cancel' });
    const yes = el('button', { type: 'button', className: 'btn btn-danger btn-small', textContent: 'Delete' });
    const box = el('div', { className: 'conversation-confirm' }, [
      el('span', { textContent: `Delete “${truncate(conversation.title || 'this conversation', 40)}”?` }),
      yes, cancel,
    ]);
    box.setAttribute('role', 'group');
    box.setAttribute('aria-label', 'Confirm delete');
    const restore = () => {
      const fresh = conversationItem(conversation);
      item.replaceWith(fresh);
      fresh.querySelector('.conversation-delete').focus();
    };
    cancel.addEventListener('click', restore);
    box.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        event.stopPropagation();
        restore();
      }
    });
    yes.addEventListener('click', () => deleteConversation(conversation, yes));
    item.replaceChildren(box);
    cancel.focus();
  }

  async function deleteConversation(conversation, button) {
    button.disabled = true;
    try {
      await api.deleteConversation(conversation.id);
      if (conversation.id === state.conversationId) newConversation(false);
      toast('Conversation deleted.');
    } catch (err) {
      if (err.status === 401) return;
      // Already gone is as good as deleted; anything else is worth telling.
      if (err.status !== 404) toast(err.message, 'error');
    }
    await loadConversations();
    $('new-conversation').focus();
  }

  function markActiveConversation() {
    for (const item of $('conversations').children) {
      if (item.dataset.id === state.conversationId) item.setAttribute('aria-current', 'true');
      else item.removeAttribute('aria-current');
    }
  }

  function newConversation(focus = true) {
    goToChat();
    clearThread();
    state.conversationId = null;
    renderWelcome();
    markActiveConversation();
    closeDrawer(false);
    if (focus) $('question').focus();
  }

  /** Loads a saved conversation and renders its whole thread with the same card renderer. */
  async function openConversation(id) {
    goToChat();
    closeDrawer(false);
    clearThread();
    state.conversationId = id;
    markActiveConversation();
    const epoch = state.threadEpoch;
    const thread = $('thread');
    const pending = pendingCard('Loading conversation…');
    thread.append(pending);
    try {
      const data = await api.conversation(id);
      if (epoch !== state.threadEpoch) return;   // someone clicked elsewhere meanwhile
      pending.remove();
      if (data.workspace && [...$('workspace').options].some((o) => o.value === data.workspace)) {
        state.workspace = data.workspace;
        $('workspace').value = data.workspace;
      }
      const messages = Array.isArray(data.messages) ? data.messages : [];
      for (const message of messages) {
        // The message id keeps a proposal made from a reopened answer the same one.
        thread.append(userBubble(message.question), renderAnswer({ message_id: message.id, ...(message.answer || {}) }));
      }
      if (!messages.length) renderWelcome();
      scrollThreadTo(thread.lastElementChild, 'end');
      $('question').focus();
    } catch (err) {
      if (err.status === 401 || epoch !== state.threadEpoch) return;
      pending.replaceWith(requestErrorCard(
        err.status === 404 ? 'This conversation no longer exists.' : err.message,
        err.status === 404 ? null : () => openConversation(id),
      ));
      if (err.status === 404) loadConversations();
    }
  }

  function openDrawer() {
    $('view-chat').classList.add('drawer-open');
    $('drawer-toggle').setAttribute('aria-expanded', 'true');
    $('drawer-backdrop').hidden = false;
    $('new-conversation').focus();
  }

  function closeDrawer(returnFocus = true) {
    const chat = $('view-chat');
    if (!chat.classList.contains('drawer-open')) return;
    chat.classList.remove('drawer-open');
    $('drawer-toggle').setAttribute('aria-expanded', 'false');
    $('drawer-backdrop').hidden = true;
    if (returnFocus) $('drawer-toggle').focus();
  }

  /* ====================================================================================
   * Thread: welcome, asking, pending and error cards
   * ==================================================================================== */

  /** Empties the thread and frees the chart images it held. */
  function clearThread() {
    state.threadEpoch += 1;
    for (const url of state.objectUrls) URL.revokeObjectURL(url);
    state.objectUrls.clear();
    $('thread').replaceChildren();
  }

  const isThreadEmpty = () => !$('thread').querySelector('.user-bubble, .answer-card');

  function renderWelcome() {
    const chips = state.suggestions.map((text) => {
      const chip = el('button', { type: 'button', className: 'suggestion', textContent: text });
      chip.disabled = state.busy;
      chip.addEventListener('click', () => ask(text));
      return el('li', {}, [chip]);
    });
    const welcome = el('section', { className: 'welcome', attrs: { 'aria-labelledby': 'welcome-title' } }, [
      el('h1', { className: 'welcome-title', id: 'welcome-title', textContent: 'What would you like to know?' }),
      el('p', {
        className: 'welcome-lead',
        textContent: chips.length
          ? 'Ask about revenue, brands, stores or products in plain language, or start with an example:'
          : 'Ask about revenue, brands, stores or products in plain language.',
      }),
      chips.length ? el('ul', { className: 'suggestions', attrs: { 'aria-label': 'Suggested questions' } }, chips) : null,
    ]);
    $('thread').replaceChildren(welcome);
  }

  function userBubble(text) {
    return el('div', { className: 'user-bubble', textContent: text || '' });
  }

  function pendingCard(label) {
    const card = el('article', { className: 'answer-card is-pending' }, [
      el('div', { className: 'pending-label' }, [
        el('span', { className: 'spinner', attrs: { 'aria-hidden': 'true' } }),
        el('span', { textContent: label }),
      ]),
      el('div', { className: 'skeleton' }),
      el('div', { className: 'skeleton' }),
      el('div', { className: 'skeleton' }),
      el('div', { className: 'skeleton skeleton-block' }),
    ]);
    card.setAttribute('aria-busy', 'true');
    return card;
  }

  /** A failed request (not an answer): friendly text, and a retry button when it may help. */
  function requestErrorCard(message, retry) {
    const body = el('div', { className: 'notice-body' }, [
      el('p', { className: 'notice-title', textContent: 'That did not work' }),
      el('p', { className: 'answer-text', textContent: message }),
    ]);
    if (retry) {
      const button = el('button', { type: 'button', className: 'btn btn-ghost btn-small', textContent: 'Try again' });
      button.addEventListener('click', () => {
        card.remove();
        retry();
      });
      body.append(el('div', { className: 'notice-actions' }, [button]));
    }
    const card = el('article', { className: 'answer-card answer-error request-error' }, [
      el('div', { className: 'notice' }, [icon('info', 'notice-icon'), body]),
    ]);
    card.setAttribute('role', 'alert');
    return card;
  }

  function setComposerBusy(busy) {
    state.busy = busy;
    $('ask').disabled = busy;
    $('ask').setAttribute('aria-label', busy ? 'Waiting for the answer' : 'Send question');
    for (const chip of document.querySelectorAll('.suggestion')) chip.disabled = busy;
  }

  /** Sends a question and renders its answer in place of a pending card. */
  async function ask(rawText) {
    const text = String(rawText || '').trim();
    if (!text || state.busy) return;
    if (text.length > MAX_QUESTION) {
      toast(`Questions can be at most ${MAX_QUESTION.toLocaleString('en-US')} characters.`, 'error');
      return;
    }
    const thread = $('thread');
    if (isThreadEmpty()) thread.replaceChildren();   // drop the welcome
    const bubble = userBubble(text);
    const pending = pendingCard('Analysing your data…');
    thread.append(bubble, pending);
    scrollThreadTo(bubble, 'start');
    setComposerBusy(true);
    const question = $('question');
    if (question.value.trim() === text) {
      question.value = '';
      onQuestionInput();
    }

    const epoch = state.threadEpoch;
    const body = { message: text, workspace: state.workspace };
    if (state.conversationId) body.conversation_id = state.conversationId;
    try {
      const answer = (await api.chat(body)) || {};
      if (epoch === state.threadEpoch) {
        if (answer.conversation_id) state.conversationId = answer.conversation_id;
        pending.replaceWith(renderAnswer(answer));
        announce(`Answer: ${answer.answer || ''}`);
        scrollThreadTo(bubble, 'start');
      }
    } catch (err) {
      if (err.status === 401) return;   // already back on the sign-in view
      if (epoch === state.threadEpoch) {
        const retryable = err.status === 0 || err.status === 429 || err.status >= 500;
        pending.replaceWith(requestErrorCard(err.message, retryable ? () => { bubble.remove(); ask(text); } : null));
      }
    } finally {
      setComposerBusy(false);
    }
    // A new conversation appeared, or an old one moved to the top: refresh the list.
    await loadConversations();
    markActiveConversation();
  }

  function scrollThreadTo(node, block) {
    if (!node) return;
    node.scrollIntoView({ behavior: reducedMotion() ? 'auto' : 'smooth', block });
  }

  /* ====================================================================================
   * Question box
   * ==================================================================================== */

  /** Grows the textarea with its content (up to the CSS max-height) and updates the counter. */
  function onQuestionInput() {
    const question = $('question');
    question.style.height = 'auto';
    question.style.height = `${Math.min(question.scrollHeight, 200)}px`;
    const counter = $('question-counter');
    const length = question.value.length;
    counter.textContent = length >= COUNTER_FROM
      ? `${length.toLocaleString('en-US')} / ${MAX_QUESTION.toLocaleString('en-US')}`
      : '';
    counter.classList.toggle('is-near', length >= COUNTER_FROM && length < MAX_QUESTION);
    counter.classList.toggle('is-full', length >= MAX_QUESTION);
  }

  function onQuestionKeydown(event) {
    // Enter sends, Shift+Enter is a new line; never interrupt an IME composition.
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing || event.keyCode === 229) return;
    event.preventDefault();
    ask($('question').value);
  }

  /* ====================================================================================
   * Answer rendering
   * ==================================================================================== */

  /** One answer card: sentence, KPI tiles, chart, table, actions and the query disclosure. */
  function renderAnswer(answer) {
    if (answer.error) return renderErrorAnswer(answer);
    const card = el('article', { className: 'answer-card' });
    card.setAttribute('aria-label', 'Answer');
    card.append(el('p', { className: 'answer-text', textContent: answer.answer || '' }));

    const kpis = Array.isArray(answer.kpis) ? answer.kpis : [];
    if (kpis.length) card.append(renderKpis(kpis));
    if (answer.chart && answer.chart.svg) card.append(renderChart(answer.chart));
    const table = answer.table && Array.isArray(answer.table.columns) && answer.table.columns.length
      ? createTable(answer.table)
      : null;
    if (table) card.append(table.element);
    const actions = Array.isArray(answer.actions) ? answer.actions : [];
    if (actions.length) card.append(renderActions(actions, answer, table));
    if (answer.meta && (answer.meta.query || answer.meta.sql)) card.append(renderQueryDetails(answer.meta));
    return card;
  }

  /** "Not understood" and similar: a calm notice whose text says what to try instead. */
  function renderErrorAnswer(answer) {
    const card = el('article', { className: 'answer-card answer-error' }, [
      el('div', { className: 'notice' }, [
        icon('info', 'notice-icon'),
        el('div', { className: 'notice-body' }, [
          el('p', { className: 'answer-text', textContent: answer.answer || 'I could not answer that question.' }),
        ]),
      ]),
    ]);
    card.setAttribute('aria-label', 'Answer');
    return card;
  }

  function renderKpis(kpis) {
    const list = el('div', { className: 'kpis' });
    list.setAttribute('role', 'list');
    for (const kpi of kpis) {
      const tile = el('div', { className: 'kpi' }, [
        el('div', { className: 'kpi-label', textContent: kpi.label || '' }),
        el('div', { className: 'kpi-value', textContent: kpi.value == null ? '–' : String(kpi.value) }),
      ]);
      tile.setAttribute('role', 'listitem');
      if (kpi.delta != null && kpi.delta !== '') tile.append(renderDelta(kpi.delta, kpi.delta_direction));
      list.append(tile);
    }
    return list;
  }

  function renderDelta(delta, direction) {
    const [mark, cls, spoken] = direction === 'up' ? ['▲', 'is-up', 'up']
      : direction === 'down' ? ['▼', 'is-down', 'down']
        : ['–', 'is-flat', 'change'];
    return el('div', { className: `kpi-delta ${cls}` }, [
      el('span', { textContent: mark, attrs: { 'aria-hidden': 'true' } }),
      el('span', { className: 'visually-hidden', textContent: `${spoken} ` }),
      el('span', { textContent: String(delta) }),
    ]);
  }

  /** The server's SVG goes through a blob: URL into an <img>, so it cannot touch the page. */
  function renderChart(chart) {
    const url = URL.createObjectURL(new Blob([chart.svg], { type: 'image/svg+xml' }));
    state.objectUrls.add(url);
    const title = chart.title || 'Chart';
    const img = el('img', { className: 'chart-image', alt: title, src: url, decoding: 'async' });
    return el('figure', { className: 'chart' }, [
      chart.title ? el('figcaption', { className: 'chart-title', textContent: chart.title }) : null,
      img,
    ]);
  }

  function renderActions(actions, answer, table) {
    const bar = el('div', { className: 'actions' });
    const status = el('span', { className: 'action-status', attrs: { role: 'status' } });
    actions.forEach((action, index) => bar.append(actionButton(action, answer, table, status, index)));
    bar.append(status);
    return bar;
  }

  function actionButton(action, answer, table, status, index) {
    const known = action.type === 'download_csv' || action.type === 'export_async' || action.type === 'propose';
    const button = el('button', {
      type: 'button',
      className: 'action',
      textContent: action.label || action.type,
    });
    if (action.type === 'download_csv') button.prepend(icon('download'));
    if (action.type === 'export_async') button.prepend(icon('export'));
    if (action.type === 'propose') button.prepend(icon('propose'));
    if (!known) {
      button.disabled = true;
      button.title = 'Coming soon';
      return button;
    }
    if (action.enabled === false || (action.type === 'download_csv' && !table)) {
      button.disabled = true;
      return button;
    }
    button.dataset.action = action.type;
    if (action.type === 'download_csv') {
      button.addEventListener('click', () => {
        downloadCsv(table, answer);
        status.textContent = 'CSV downloaded.';
      });
    } else if (action.type === 'propose') {
      // The same key for every click on this answer's action: a double click proposes once.
      const key = answer.message_id ? `answer-${answer.message_id}-${index}` : uniqueKey();
      button.addEventListener('click', () => proposeFromAnswer(button, action, answer, key, status));
    } else {
      button.setAttribute('aria-expanded', 'false');
      button.addEventListener('click', () => toggleExportChooser(button, exportOffer(action, answer)));
    }
    return button;
  }

  /** "Show query": the structured query, the SQL and a few facts about how it ran. */
  function renderQueryDetails(meta) {
    const facts = el('dl', { className: 'facts' });
    const addFact = (label, value) => {
      if (value === undefined || value === null || value === '') return;
      facts.append(el('div', { className: 'fact' }, [el('dt', { textContent: label }), el('dd', { textContent: value })]));
    };
    addFact('Route', meta.route);
    if (typeof meta.confidence === 'number') addFact('Confidence', `${Math.round(meta.confidence * 100)}%`);
    if (typeof meta.total_time_ms === 'number') addFact('Time', `${NUM.integer.format(meta.total_time_ms)} ms`);
    if (typeof meta.row_count === 'number') {
      const total = typeof meta.row_count_total === 'number' ? meta.row_count_total : meta.row_count;
      addFact('Rows', `${NUM.integer.format(meta.row_count)} of ${NUM.integer.format(total)}`);
    }
    if (meta.data_as_of) addFact('Data as of', formatTimestamp(meta.data_as_of));
    if (meta.cached) addFact('Cached', 'yes');

    const body = el('div', { className: 'query-body' }, [facts]);
    if (meta.query) body.append(codeBlock('Query', JSON.stringify(meta.query, null, 2)));
    if (meta.sql) body.append(codeBlock('SQL', String(meta.sql)));
    return el('details', { className: 'query-details' }, [el('summary', { textContent: 'Show query' }), body]);
  }

  function codeBlock(label, text) {
    const pre = el('pre', { className: 'code-block', tabIndex: 0 }, [el('code', { textContent: text })]);
    pre.setAttribute('aria-label', label);
    return el('div', {}, [el('p', { className: 'code-label', textContent: label }), pre]);
  }

  /* ====================================================================================
   * Tables: formatting and sorting
   * ==================================================================================== */

  const NUM = {
    integer: new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 }),
    number: new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 }),
    cents: new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }),
    percent: new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 }),
    tenths: new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 }),
  };
  const NUMERIC_TYPES = new Set(['number', 'integer', 'currency', 'percentage']);
  const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

  /** Formats one cell for display; null/undefined shows as an en dash. */
  function formatCell(value, type) {
    if (value === null || value === undefined || value === '') return '–';
    if (typeof value !== 'number' || !Number.isFinite(value)) return String(value);
    switch (type) {
      case 'currency': {
        // Baht without decimals for large amounts, with satang for small ones.
        const abs = Math.abs(value);
        const text = abs >= 1000 ? NUM.integer.format(abs) : NUM.cents.format(abs);
        return `${value < 0 ? '-' : ''}฿${text}`;
      }
      case 'percentage': return `${NUM.percent.format(value)}%`;   // values are in percent
      case 'integer': return NUM.integer.format(value);
      case 'number': return NUM.number.format(value);
      default: return String(value);
    }
  }

  function alignOf(column) {
    if (column.align === 'left' || column.align === 'right' || column.align === 'center') return column.align;
    return NUMERIC_TYPES.has(column.type) ? 'right' : 'left';
  }

  /** Orders two cell values; empty cells always go last, whatever the direction. */
  function compareCells(a, b, direction) {
    const emptyA = a === null || a === undefined || a === '';
    const emptyB = b === null || b === undefined || b === '';
    if (emptyA || emptyB) return emptyA === emptyB ? 0 : emptyA ? 1 : -1;
    const order = typeof a === 'number' && typeof b === 'number' ? a - b : collator.compare(String(a), String(b));
    return direction === 'descending' ? -order : order;
  }

  /**
   * Builds a sortable table. Returns the element plus accessors the CSV export uses, so the
   * download matches what is on screen (in the shown order).
   */
  function createTable(table) {
    const columns = table.columns;
    const original = Array.isArray(table.rows) ? table.rows : [];
    const sort = { key: null, direction: 'none' };
    let rows = original.slice();

    const element = el('table', { className: 'answer-table' });
    const caption = tableCaption(table, original.length);
    if (caption) element.append(el('caption', { textContent: caption }));

    const headRow = el('tr');
    const headers = columns.map((column) => {
      const th = el('th', { scope: 'col', className: `align-${alignOf(column)}` });
      th.setAttribute('aria-sort', 'none');
      const button = el('button', { type: 'button', className: 'sort-button' }, [
        el('span', { textContent: column.label || column.key }),
        el('span', { className: 'sort-icon', attrs: { 'aria-hidden': 'true' } }),
      ]);
      button.addEventListener('click', () => sortBy(column.key));
      th.append(button);
      headRow.append(th);
      return th;
    });
    const tbody = el('tbody');
    element.append(el('thead', {}, [headRow]), tbody);
    if (table.total_row) element.append(el('tfoot', {}, [bodyRow(columns, table.total_row, true)]));

    /** Click toggles ascending/descending; the total row lives in <tfoot> so it stays last. */
    function sortBy(key) {
      sort.direction = sort.key === key && sort.direction === 'ascending' ? 'descending' : 'ascending';
      sort.key = key;
      rows = original
        .map((row, index) => ({ row, index }))
        .sort((a, b) => compareCells(a.row[key], b.row[key], sort.direction) || a.index - b.index)
        .map((entry) => entry.row);
      columns.forEach((column, i) => {
        headers[i].setAttribute('aria-sort', column.key === key ? sort.direction : 'none');
      });
      fillBody();
    }

    function fillBody() {
      tbody.replaceChildren(...rows.map((row) => bodyRow(columns, row, false)));
    }
    fillBody();

    const wrap = el('div', { className: 'table-wrap', tabIndex: 0 }, [element]);
    wrap.setAttribute('role', 'region');
    wrap.setAttribute('aria-label', caption ? `Result table, ${caption}` : 'Result table');
    return { element: wrap, columns, rows: () => rows, totalRow: table.total_row || null };
  }

  function bodyRow(columns, row, isTotal) {
    const tr = el('tr');
    columns.forEach((column, i) => {
      const value = row[column.key];
      // The first cell of each row names it, which helps screen-reader table navigation.
      const cell = el(i === 0 ? 'th' : 'td', { textContent: formatCell(value, column.type) });
      if (i === 0) cell.scope = 'row';
      cell.className = `align-${alignOf(column)}${value === null || value === undefined ? ' is-null' : ''}`;
      tr.append(cell);
    });
    if (isTotal) tr.className = 'total-row';
    return tr;
  }

  function tableCaption(table, shown) {
    const total = typeof table.total_count === 'number' ? table.total_count : shown;
    if (table.truncated || total > shown) {
      return `Showing ${NUM.integer.format(shown)} of ${NUM.integer.format(total)} rows`;
    }
    return shown === 1 ? '1 row' : `${NUM.integer.format(shown)} rows`;
  }

  /* ====================================================================================
   * CSV download
   * ==================================================================================== */

  /** One RFC 4180 field. Raw values (not formatted) so spreadsheets get real numbers. */
  function csvField(value) {
    if (value === null || value === undefined) return '';
    let text = String(value);
    // Text that a spreadsheet would run as a formula is neutralised (CSV injection).
    if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text) && !/^-?\d/.test(text)) text = `'${text}`;
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  }

  function buildCsv(columns, rows, totalRow) {
    const lines = [columns.map((c) => csvField(c.label || c.key))];
    for (const row of rows) lines.push(columns.map((c) => csvField(row[c.key])));
    if (totalRow) lines.push(columns.map((c) => csvField(totalRow[c.key])));
    // The BOM makes Excel read UTF-8 (Thai names) correctly.
    return `\ufeff${lines.map((line) => line.join(',')).join('\r\n')}\r\n`;
  }

  function downloadCsv(table, answer) {
    const csv = buildCsv(table.columns, table.rows(), table.totalRow);
    const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
    const link = el('a', { href: url, download: csvFileName(answer) });
    document.body.append(link);
    link.click();
    link.remove();
    window.setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  function csvFileName(answer) {
    const base = answer.meta && answer.meta.tool ? answer.meta.tool : 'ai-analyst';
    const day = new Date().toISOString().slice(0, 10);
    return `${String(base).replace(/[^\w-]+/g, '-')}-${day}.csv`;
  }

  /* ====================================================================================
   * Exports: the format chooser, progress cards in answers, the Exports page
   * ==================================================================================== */

  const EXPORT_FORMATS = { csv: 'CSV', xlsx: 'Excel (XLSX)', parquet: 'Parquet' };
  const EXPORT_STATES = {
    queued: 'Queued', running: 'Running', succeeded: 'Ready', failed: 'Failed', cancelled: 'Cancelled', expired: 'Expired',
  };
  const FINAL_STATES = new Set(['succeeded', 'failed', 'cancelled', 'expired']);
  const POLL_FIRST_MS = 1000;        // status polls start every second…
  const POLL_MAX_MS = 4000;          // …and slow down to this
  const EXPORTS_REFRESH_MS = 2000;   // the Exports page, while an export runs

  let lastId = 0;
  const uniqueId = (prefix) => `${prefix}-${++lastId}`;
  const sleep = (ms) => new Promise((resolve) => { window.setTimeout(resolve, ms); });
  const isFinal = (status) => FINAL_STATES.has(status.state);
  /** Only same-origin paths from the server become links or requests. */
  const localPath = (url) => (typeof url === 'string' && /^\/(?!\/)/.test(url) ? url : null);

  /** What an export action offers: the query to export, its formats and its row count. */
  function exportOffer(action, answer) {
    const params = action.params || {};
    const offered = Array.isArray(params.formats) ? params.formats.filter((f) => EXPORT_FORMATS[f]) : [];
    return {
      label: action.label || 'Export all rows',
      query: params.query || (answer.meta ? answer.meta.query : null),
      formats: offered.length ? offered : Object.keys(EXPORT_FORMATS),
      totalRows: typeof params.total_rows === 'number' ? params.total_rows : null,
    };
  }

  /** Opens the format chooser under the answer's actions, or closes it when it is open. */
  function toggleExportChooser(button, offer) {
    if (button.getAttribute('aria-expanded') === 'true') {
      closeExportChooser(button);
      return;
    }
    const chooser = exportChooser(button, offer);
    button.closest('.actions').after(chooser);
    button.setAttribute('aria-controls', chooser.id);
    button.setAttribute('aria-expanded', 'true');
    chooser.querySelector('select').focus();
  }

  /** Closes the chooser; `replacement` (the new export's card) takes its place and the focus. */
  function closeExportChooser(button, replacement = null) {
    const chooser = $(button.getAttribute('aria-controls') || '');
    if (chooser && replacement) chooser.replaceWith(replacement);
    else if (chooser) chooser.remove();
    button.removeAttribute('aria-controls');
    button.setAttribute('aria-expanded', 'false');
    (replacement || button).focus();
  }

  function exportChooser(button, offer) {
    const titleId = uniqueId('export-title');
    const format = el('select', { id: uniqueId('export-format'), name: 'format' },
      offer.formats.map((code) => el('option', { value: code, textContent: EXPORT_FORMATS[code] })));
    const bom = el('input', { type: 'checkbox', id: uniqueId('export-bom'), name: 'bom' });
    const bomHint = el('span', { id: uniqueId('export-bom-hint'), className: 'field-hint', textContent: 'Lets Excel read Thai text correctly.' });
    bom.setAttribute('aria-describedby', bomHint.id);
    const bomField = el('div', { className: 'export-bom' }, [
      bom, el('label', { htmlFor: bom.id, textContent: 'BOM for Excel' }), bomHint,
    ]);
    const start = el('button', { type: 'submit', className: 'btn btn-primary btn-small export-start', textContent: 'Start export' });
    const close = el('button', { type: 'button', className: 'btn btn-ghost btn-small', textContent: 'Cancel' });
    const form = el('form', { id: uniqueId('export-chooser'), className: 'export-chooser', noValidate: true }, [
      el('p', { id: titleId, className: 'export-chooser-title', textContent: offer.label }),
      el('div', { className: 'export-fields' }, [
        el('div', { className: 'export-format' }, [el('label', { htmlFor: format.id, textContent: 'Format' }), format]),
        bomField,
      ]),
      el('p', { className: 'form-error', attrs: { role: 'alert' } }),
      el('div', { className: 'export-chooser-actions' }, [start, close]),
    ]);
    form.setAttribute('aria-labelledby', titleId);
    const showBom = () => { bomField.hidden = format.value !== 'csv'; };
    showBom();
    format.addEventListener('change', showBom);
    close.addEventListener('click', () => closeExportChooser(button));
    form.addEventListener('keydown', (event) => {
      if (event.key !== 'Escape') return;
      event.stopPropagation();
      closeExportChooser(button);
    });
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      startExport(form, button, offer);
    });
    return form;
  }

  async function startExport(form, button, offer) {
    const format = form.elements.format.value;
    const body = { query: offer.query, format };
    if (format === 'csv') body.bom = form.elements.bom.checked;
    const start = form.querySelector('.export-start');
    const error = form.querySelector('.form-error');
    error.textContent = '';
    setBusy(start, true, 'Starting…');
    try {
      const job = await api.startExport(body);
      closeExportChooser(button, exportCard(job, format, offer.totalRows));
      announce('Export started.');
    } catch (err) {
      if (err.status === 401) return;
      setBusy(start, false, 'Start export');
      error.textContent = err.message;
      start.focus();   // disabling it while busy dropped the focus
    }
  }

  /** The card of an export started from an answer: it follows the job until it ends. */
  function exportCard(job, format, totalRows) {
    const card = el('div', { className: 'export-job', tabIndex: -1, attrs: { role: 'group', 'aria-label': 'Export' } });
    const tracker = {
      card,
      statusUrl: localPath(job.status_url) || `/ai_analyst/export/status/${encodeURIComponent(job.job_id)}`,
      status: { format, total_rows: totalRows, progress: 0, rows_written: 0, bytes: 0, ...job },
      show(status) {
        tracker.status = status;
        keepingFocus(card, card, () => card.replaceChildren(...exportCardParts(status, tracker.refresh).filter(Boolean)));
      },
      async refresh() {
        const status = await api.exportStatus(tracker.statusUrl);
        // The server knows the total once the job runs; until then the answer's stands.
        if (typeof status.total_rows !== 'number') status.total_rows = tracker.status.total_rows;
        tracker.show(status);
      },
    };
    tracker.show(tracker.status);
    followExport(tracker);
    return card;
  }

  function exportCardParts(status, onChange) {
    return [
      el('div', { className: 'export-head' }, [
        el('span', { className: 'export-name', textContent: exportName(status) }),
        stateBadge(status),
      ]),
      exportProgress(status),
      el('p', { className: 'export-facts' }, [
        el('span', { textContent: `${exportRows(status)} rows` }),
        status.bytes > 0 ? el('span', { className: 'export-size', textContent: formatBytes(status.bytes) }) : null,
      ]),
      exportReason(status),
      exportControl(status, onChange),
    ];
  }

  /**
   * Polls the status every second, slowing down to a few seconds, until the export ends or its
   * card leaves the page (a new conversation, sign-out).
   */
  async function followExport(tracker) {
    let delay = POLL_FIRST_MS;
    while (!isFinal(tracker.status)) {
      await sleep(delay);
      if (!tracker.card.isConnected) return;
      delay = Math.min(delay * 1.5, POLL_MAX_MS);
      try {
        await tracker.refresh();
      } catch (err) {
        if (err.status === 401) return;
        if (err.status === 403 || err.status === 404) {
          tracker.show({ ...tracker.status, state: 'failed', error: err.message });
        }
        delay = POLL_MAX_MS;   // network or server trouble: keep trying, gently
      }
    }
    if (tracker.card.isConnected) announce(exportOutcome(tracker.status));
  }

  function exportOutcome(status) {
    if (status.state === 'succeeded') return `Export ready: ${exportName(status)}, ${formatBytes(status.bytes)}.`;
    return `Export ${EXPORT_STATES[status.state] ? EXPORT_STATES[status.state].toLowerCase() : 'ended'}.`;
  }

  const exportName = (status) => status.file_name || `${EXPORT_FORMATS[status.format] || 'File'} export`;

  function stateBadge(status) {
    const badge = el('span', { className: 'export-state', textContent: EXPORT_STATES[status.state] || String(status.state) });
    badge.dataset.state = status.state;
    return badge;
  }

  /** A bar while the export runs: indeterminate while queued, 0-100 while running. */
  function exportProgress(status) {
    if (isFinal(status)) return null;
    const bar = el('progress', { className: 'export-progress', max: 100 });
    bar.setAttribute('aria-label', `Progress of ${exportName(status)}`);
    if (status.state === 'running') bar.value = Math.max(0, Math.min(100, Number(status.progress) || 0));
    return bar;
  }

  /** "1,172 of 2,345" while it runs, "2,345" when done (or when the total is unknown). */
  function exportRows(status) {
    const written = NUM.integer.format(Number(status.rows_written) || 0);
    const total = typeof status.total_rows === 'number' ? status.total_rows : null;
    return status.state === 'succeeded' || total === null ? written : `${written} of ${NUM.integer.format(total)}`;
  }

  /** Why an export has no file: its error, a cancellation or an expiry. */
  function exportReason(status) {
    const reasons = {
      failed: sentence(status.error || 'the export failed'),
      cancelled: 'The export was cancelled.',
      expired: 'The file has expired and was deleted. Export the answer again for a new one.',
    };
    const text = reasons[status.state];
    return text ? el('p', { className: 'export-reason', textContent: text }) : null;
  }

  /** The download link of a finished export, or the button that cancels a running one. */
  function exportControl(status, onChange) {
    const key = `export-${status.job_id}`;
    const href = status.state === 'succeeded' ? localPath(status.download_url) : null;
    if (href) {
      const size = formatBytes(status.bytes);
      const link = el('a', { className: 'btn btn-primary btn-small export-download', href, download: status.file_name || '' }, [
        icon('download'),
        el('span', {}, ['Download', size ? el('span', { className: 'export-download-size', textContent: ` (${size})` }) : null]),
      ]);
      link.setAttribute('aria-label', `Download ${size ? `(${size}) ` : ''}${exportName(status)}`);
      link.dataset.focusKey = key;
      return link;
    }
    if (isFinal(status)) return null;
    const cancel = el('button', { type: 'button', className: 'btn btn-ghost btn-small export-cancel', textContent: 'Cancel' });
    cancel.setAttribute('aria-label', `Cancel export ${exportName(status)}`);
    cancel.dataset.focusKey = key;
    cancel.addEventListener('click', () => cancelExport(cancel, status, onChange));
    return cancel;
  }

  /** aria-disabled rather than disabled while it runs: a disabled button would drop the focus. */
  async function cancelExport(button, status, onChange) {
    if (button.getAttribute('aria-disabled') === 'true') return;
    button.setAttribute('aria-disabled', 'true');
    try {
      await api.cancelJob(status.job_id);
      await onChange();
    } catch (err) {
      if (err.status === 401) return;
      button.removeAttribute('aria-disabled');
      toast(err.message, 'error');
    }
  }

  /** "512 bytes", "14.2 KB", "3.1 MB" (empty when unknown). */
  function formatBytes(bytes) {
    if (typeof bytes !== 'number' || !(bytes > 0)) return '';
    if (bytes < 1024) return `${NUM.integer.format(bytes)} bytes`;
    if (bytes < 1024 * 1024) return `${NUM.tenths.format(bytes / 1024)} KB`;
    return `${NUM.tenths.format(bytes / (1024 * 1024))} MB`;
  }

  /** Re-renders `container`; the focus stays on the control with the same key, or goes to `fallback`. */
  function keepingFocus(container, fallback, render) {
    const active = document.activeElement;
    const inside = active && container.contains(active);
    const key = inside ? active.dataset.focusKey : null;
    render();
    if (!inside) return;
    const again = key ? container.querySelector(`[data-focus-key="${CSS.escape(key)}"]`) : null;
    (again || fallback).focus();
  }

  /* ---------- Pages beside the chat (#exports, #proposals, #uploads) ---------- */

  /** The pages beside the chat: their panel, header link, heading and loader. */
  const PAGES = {
    exports: { panel: 'exports-panel', link: 'exports-link', heading: 'exports-title', title: 'Exports', load: () => loadExports() },
    proposals: { panel: 'proposals-panel', link: 'proposals-link', heading: 'proposals-title', title: 'Proposals', load: () => loadProposals() },
    uploads: { panel: 'uploads-panel', link: 'uploads-link', heading: 'uploads-title', title: 'Uploads', load: () => loadUploadsPage() },
  };

  /** Shows the chat or a page from the address (#exports, #proposals, #uploads), so Back works. */
  function route() {
    const name = window.location.hash.slice(1);
    showPanel(Object.prototype.hasOwnProperty.call(PAGES, name) ? name : 'chat');
  }

  /** Back to the chat from wherever we are (a conversation was opened from the sidebar). */
  function goToChat() {
    if ($('chat-panel').hidden) {
      window.history.pushState(null, '', '#chat');
      showPanel('chat');
    }
  }

  function showPanel(name) {
    const page = PAGES[name] || null;
    $('chat-panel').hidden = Boolean(page);
    for (const [key, each] of Object.entries(PAGES)) {
      $(each.panel).hidden = key !== name;
      if (key === name) $(each.link).setAttribute('aria-current', 'page');
      else $(each.link).removeAttribute('aria-current');
    }
    document.querySelector('.skip-link').hidden = Boolean(page);
    document.title = page ? `${page.title} · AI Analyst` : 'AI Analyst';
    closeDrawer(false);
    if (name !== 'exports') stopExportsRefresh();
    if (name !== 'uploads') stopUploadsRefresh();
    if (page) {
      $(page.heading).focus();
      page.load();
    } else {
      $('question').focus();
    }
  }

  /* ---------- The Exports page (#exports) ---------- */

  async function loadExports() {
    stopExportsRefresh();
    const status = $('exports-status');
    if (!$('exports-list').hasChildNodes()) status.textContent = 'Loading your exports…';
    try {
      const data = await api.exports();
      if ($('exports-panel').hidden) return;
      const exports = Array.isArray(data && data.exports) ? data.exports : [];
      status.textContent = exports.length ? '' : 'You have no exports yet. When an answer has more rows than it can show, its export button makes a file of them all; the file is listed here.';
      keepingFocus($('exports-list'), $('exports-title'), () => renderExports(exports));
      if (exports.some((item) => !isFinal(item))) state.exportsTimer = window.setTimeout(loadExports, EXPORTS_REFRESH_MS);
    } catch (err) {
      if (err.status === 401) return;
      status.textContent = `Could not load your exports. ${err.message}`;
    }
  }

  function stopExportsRefresh() {
    window.clearTimeout(state.exportsTimer);
    state.exportsTimer = null;
  }

  function renderExports(exports) {
    const list = $('exports-list');
    if (!exports.length) {
      list.replaceChildren();
      return;
    }
    const headings = ['Name', 'Format', 'State', 'Rows', 'Size', 'Created', 'Expires', 'File'];
    const numeric = new Set(['Rows', 'Size']);
    const header = (text) => el('th', { scope: 'col', className: numeric.has(text) ? 'align-right' : '', textContent: text });
    const table = el('table', { className: 'answer-table exports-table' }, [
      el('caption', { className: 'visually-hidden', textContent: 'Your exports, newest first' }),
      el('thead', {}, [el('tr', {}, headings.map(header))]),
      el('tbody', {}, exports.map(exportRow)),
    ]);
    list.replaceChildren(el('div', { className: 'table-wrap exports-wrap' }, [table]));
  }

  function exportRow(status) {
    return el('tr', { className: 'export-row' }, [
      el('th', { scope: 'row', className: 'export-name', textContent: exportName(status) }),
      el('td', { textContent: EXPORT_FORMATS[status.format] || String(status.format || '–') }),
      el('td', {}, [el('div', { className: 'export-state-cell' }, [stateBadge(status), exportProgress(status), exportReason(status)])]),
      el('td', { className: 'align-right', textContent: exportRows(status) }),
      el('td', { className: 'align-right', textContent: formatBytes(status.bytes) || '–' }),
      el('td', {}, [timeElement(status.created_at)]),
      el('td', {}, [timeElement(status.expires_at)]),
      el('td', {}, [exportControl(status, loadExports)]),
    ]);
  }

  /* ====================================================================================
   * Proposals: changes proposed from answers, decided by people, executed as jobs
   * ==================================================================================== */

  const PROPOSAL_STATES = {
    draft: 'Draft', reviewed: 'Reviewed', approved: 'Approved', executed: 'Executed',
    failed: 'Failed', rejected: 'Rejected', expired: 'Expired',
  };
  const RISKS = { low: 'Low risk', medium: 'Medium risk', high: 'High risk' };
  const PROPOSAL_STEPS = {
    created: 'Proposed', reviewed: 'Approved (more approvals needed)', approved: 'Approved',
    execution_queued: 'Execution queued', executed: 'Executed', failed: 'Failed',
    rejected: 'Rejected', expired: 'Expired',
  };
  const EXECUTION_POLL_MS = 500;           // while an execution runs…
  const EXECUTION_POLL_MAX_MS = 2000;      // …slowing down to this after EXECUTION_SLOW_AFTER_MS
  const EXECUTION_SLOW_AFTER_MS = 10000;
  const EXECUTION_PATIENCE_MS = 120000;    // then the card stops waiting and says so
  const MAX_REASON = 1000;

  /** A key no other click makes (for answers that have no message id). */
  const uniqueKey = () => (window.crypto && typeof window.crypto.randomUUID === 'function'
    ? window.crypto.randomUUID()
    : `key-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`);

  /** Money a proposal commits, to the satang ("฿12,345.00"), as its action's label says it. */
  const baht = (amount) => `${amount < 0 ? '-' : ''}฿${NUM.cents.format(Math.abs(amount))}`;
  const isPending = (view) => view.state === 'draft' || view.state === 'reviewed';
  /** Approved with a job: the execution is queued or running. */
  const isExecuting = (view) => view.state === 'approved' && view.job_id !== null && view.job_id !== undefined;

  /**
   * Proposes what an answer's action offers (its params, an idempotency key and the
   * conversation); the proposals appear as cards under the answer's actions.
   */
  async function proposeFromAnswer(button, action, answer, key, status) {
    if (button.getAttribute('aria-busy') === 'true') return;
    const label = action.label || 'Propose';
    const body = { ...(action.params || {}), idempotency_key: key };
    const conversation = String(answer.conversation_id || state.conversationId || '');
    if (/^\d+$/.test(conversation)) body.conversation_id = Number(conversation);
    button.setAttribute('aria-busy', 'true');
    button.disabled = true;
    button.replaceChildren(icon('propose'), 'Proposing…');
    status.textContent = '';
    try {
      const data = await api.propose(body);
      const proposals = Array.isArray(data && data.proposals) ? data.proposals : [];
      const bar = button.closest('.actions');
      let holder = bar.parentNode.querySelector(':scope > .proposal-cards');
      if (!holder) {
        holder = el('div', { className: 'proposal-cards' });
        bar.after(holder);
      }
      holder.replaceChildren(...proposals.map((view) => proposalCard(view)));
      button.removeAttribute('aria-busy');
      const refs = proposals.map((view) => view.reference).join(', ');
      button.replaceChildren(icon('propose'), proposals.length ? `Proposed ${refs}` : 'Nothing to propose');
      announce(proposals.length
        ? `Proposed ${refs}. Nothing changes until it is approved and executed.`
        : 'Nothing to propose.');
      if (holder.firstElementChild) holder.firstElementChild.focus();
    } catch (err) {
      button.removeAttribute('aria-busy');
      button.disabled = false;
      button.replaceChildren(icon('propose'), label);
      if (err.status === 401) return;
      status.textContent = err.message;
      toast(err.message, 'error');
      button.focus();
    }
  }

  /**
   * A proposal's card: what would change, its risk and state, who decides, and the buttons the
   * viewer may use. It re-renders itself in place after each step and follows an execution.
   * `onChange(view)` hears of every new state; `history` opens the list of events.
   */
  function proposalCard(initial, { onChange = null, history = false } = {}) {
    const titleId = uniqueId('proposal-title');
    const card = el('section', { className: 'proposal-card', tabIndex: -1, attrs: { 'aria-labelledby': titleId } });
    const ui = {
      view: initial,
      busy: null,          // the key of the button whose request runs
      rejecting: false,    // the inline reason form is open
      reason: '',
      reasonError: '',
      following: false,    // polling an execution
      slow: false,         // gave up waiting for an execution
      problem: '',         // why the card could not follow the proposal
      historyOpen: history,
    };

    function render() {
      card.dataset.reference = ui.view.reference;
      card.dataset.state = ui.view.state;
      card.setAttribute('aria-busy', String(Boolean(ui.busy) || ui.following));
      keepingFocus(card, card, () => card.replaceChildren(...proposalParts(ui, titleId, controls).filter(Boolean)));
    }

    function update(view) {
      ui.view = view;
      render();
      if (onChange) onChange(view);
    }

    /** Runs one request with its button busy; the answer (a proposal view) re-renders the card. */
    async function step(key, send, after) {
      if (ui.busy) return;
      ui.busy = key;
      ui.problem = '';
      render();
      try {
        const view = await send();
        ui.busy = null;
        update(view);
        if (after) after(view);
      } catch (err) {
        ui.busy = null;
        render();
        if (err.status === 401) return;
        if (key === 'reject-confirm' && err.status === 400) {
          ui.reasonError = err.message;
          render();
          return;
        }
        toast(err.message, 'error');
        // Decided, expired or withdrawn elsewhere: show what it is now.
        if (err.status === 403 || err.status === 409) refresh();
      }
    }

    async function refresh() {
      try {
        update(await api.proposal(ui.view.reference));
      } catch (err) {
        if (err.status === 401) return;
        ui.problem = err.status === 404 ? 'This proposal is no longer visible to you.' : err.message;
        render();
      }
    }

    /** Polls while the execution runs: every half second, slower after a while, then gives up. */
    async function follow() {
      if (ui.following) return;
      ui.following = true;
      ui.slow = false;
      render();
      const started = Date.now();
      try {
        while (isExecuting(ui.view)) {
          const waited = Date.now() - started;
          await sleep(waited > EXECUTION_SLOW_AFTER_MS ? EXECUTION_POLL_MAX_MS : EXECUTION_POLL_MS);
          if (!card.isConnected) return;
          if (Date.now() - started > EXECUTION_PATIENCE_MS) {
            ui.slow = true;
            return;
          }
          try {
            const view = await api.proposal(ui.view.reference);
            if (view.state !== ui.view.state || view.job_id !== ui.view.job_id) {
              ui.view = view;
              if (onChange) onChange(view);
            }
          } catch (err) {
            if (err.status === 401) return;
            if (err.status === 403 || err.status === 404) {
              ui.problem = err.status === 404 ? 'This proposal is no longer visible to you.' : err.message;
              return;
            }
            // Network or server trouble: keep trying.
          }
        }
        announce(proposalOutcome(ui.view));
      } finally {
        ui.following = false;
        if (card.isConnected) render();
      }
    }

    const controls = {
      ui,
      approve(execute) {
        step(execute ? 'approve-execute' : 'approve', async () => {
          const data = await api.approveProposal(ui.view.reference, execute);
          return data.proposal;
        }, (view) => {
          if (isExecuting(view)) {
            announce(`Approved ${view.reference}. Executing…`);
            follow();
          } else if (view.state === 'approved') {
            announce(`Approved ${view.reference}. It can be executed now.`);
          } else {
            announce(`Approval recorded for ${view.reference}. ${sentence(view.waiting_for || 'it needs more approvals')}`);
          }
        });
      },
      execute() {
        step('execute', async () => (await api.executeProposal(ui.view.reference)).proposal, (view) => {
          if (isExecuting(view)) {
            announce(`Executing ${view.reference}…`);
            follow();
          } else {
            announce(proposalOutcome(view));
          }
        });
      },
      openReject() {
        if (ui.busy) return;
        ui.rejecting = true;
        ui.reasonError = '';
        render();
        const input = card.querySelector('.proposal-reason-input');
        if (input) input.focus();
      },
      closeReject() {
        ui.rejecting = false;
        ui.reasonError = '';
        render();
        const again = card.querySelector('.proposal-reject');
        (again || card).focus();
      },
      reject() {
        const reason = ui.reason.trim();
        if (!reason) {
          ui.reasonError = 'Give a reason, so the requester knows why.';
          render();
          card.querySelector('.proposal-reason-input').focus();
          return;
        }
        step('reject-confirm', async () => {
          const view = await api.rejectProposal(ui.view.reference, reason);
          ui.rejecting = false;
          ui.reason = '';
          return view;
        }, (view) => {
          announce(`${view.reference} ${view.state === 'rejected' ? 'rejected' : PROPOSAL_STATES[view.state] || view.state}.`);
          card.focus();
        });
      },
      checkAgain() {
        ui.slow = false;
        refresh().then(() => { if (isExecuting(ui.view)) follow(); });
      },
    };

    render();
    if (isExecuting(initial)) follow();
    return card;
  }

  function proposalParts(ui, titleId, controls) {
    const view = ui.view;
    const preview = view.preview || {};
    const lines = Array.isArray(preview.lines) ? preview.lines : [];
    return [
      el('div', { className: 'proposal-head' }, [
        el('p', { id: titleId, className: 'proposal-title', textContent: view.title || view.reference }),
        el('span', { className: 'proposal-ref', textContent: view.reference }),
        riskBadge(view),
        proposalStateBadge(view),
      ]),
      view.summary ? el('p', { className: 'proposal-summary', textContent: view.summary }) : null,
      preview.text && preview.text !== view.summary ? el('p', { className: 'proposal-preview', textContent: preview.text }) : null,
      lines.length ? proposalLines(view, lines) : null,
      proposalFacts(view),
      proposalOutcomePart(ui, controls),
      ui.rejecting && isPending(view) ? rejectForm(ui, controls) : proposalButtons(ui, controls),
      proposalHistory(ui),
    ];
  }

  function riskBadge(view) {
    const badge = el('span', { className: 'risk-badge', textContent: RISKS[view.risk] || `${view.risk} risk` });
    badge.dataset.risk = view.risk;
    return badge;
  }

  function proposalStateBadge(view) {
    const badge = el('span', { className: 'proposal-state', textContent: PROPOSAL_STATES[view.state] || String(view.state) });
    badge.dataset.state = view.state;
    return badge;
  }

  /** What changes, line by line: item, field, before and after ("—" where there is none). */
  function proposalLines(view, lines) {
    const cell = (tag, value, className) => {
      const empty = value === null || value === undefined || value === '';
      const node = el(tag, { className: `${className || ''}${empty ? ' is-null' : ''}`.trim(), textContent: empty ? '—' : String(value) });
      if (tag === 'th') node.scope = 'row';
      return node;
    };
    const table = el('table', { className: 'answer-table proposal-lines' }, [
      el('caption', { className: 'visually-hidden', textContent: `What ${view.reference} changes` }),
      el('thead', {}, [el('tr', {}, ['Item', 'Field', 'Before', 'After'].map((text) => el('th', { scope: 'col', textContent: text })))]),
      el('tbody', {}, lines.map((line) => el('tr', {}, [
        cell('th', line.item),
        cell('td', line.field),
        cell('td', line.before, 'proposal-before'),
        cell('td', line.after, 'proposal-after'),
      ]))),
    ]);
    const wrap = el('div', { className: 'table-wrap proposal-lines-wrap', tabIndex: 0 }, [table]);
    wrap.setAttribute('role', 'region');
    wrap.setAttribute('aria-label', `What ${view.reference} changes, ${lines.length} line${lines.length === 1 ? '' : 's'}`);
    return wrap;
  }

  function proposalFacts(view) {
    const facts = el('dl', { className: 'facts proposal-facts' });
    const add = (label, value, className) => {
      if (value === undefined || value === null || value === '') return;
      facts.append(el('div', { className: `fact${className ? ` ${className}` : ''}` }, [
        el('dt', { textContent: label }),
        el('dd', {}, [value]),
      ]));
    };
    if (typeof view.amount === 'number') add('Amount', baht(view.amount), 'proposal-amount');
    add('Requested by', view.requested_by_name || '–', 'proposal-requester');
    const approvals = Array.isArray(view.approvals) ? view.approvals : [];
    const needed = Number(view.approvals_needed) || 1;
    const names = approvals.map((approval) => approval.username).filter(Boolean);
    add('Approvals', `${approvals.length} of ${needed} approval${needed === 1 ? '' : 's'}${names.length ? ` (${names.join(', ')})` : ''}`, 'proposal-approvals');
    add('Created', timeElement(utc(view.created_at)));
    if (isPending(view)) add('Expires', timeElement(utc(view.expires_at)));
    return facts;
  }

  /** The line under the facts: who it waits for, the execution, its result or why it ended. */
  function proposalOutcomePart(ui, controls) {
    const view = ui.view;
    if (ui.problem) return el('p', { className: 'proposal-problem', attrs: { role: 'alert' }, textContent: ui.problem });
    if (isExecuting(view) && ui.slow) {
      const again = el('button', { type: 'button', className: 'btn btn-ghost btn-small proposal-check', textContent: 'Check again' });
      again.dataset.focusKey = 'check';
      again.addEventListener('click', () => controls.checkAgain());
      return el('div', { className: 'proposal-progress' }, [
        el('span', { textContent: 'The execution is taking longer than usual; it goes on in the background.' }),
        again,
      ]);
    }
    if (isExecuting(view)) {
      return el('div', { className: 'proposal-progress', attrs: { role: 'status' } }, [
        el('span', { className: 'spinner', attrs: { 'aria-hidden': 'true' } }),
        el('span', { textContent: 'Executing…' }),
      ]);
    }
    switch (view.state) {
      case 'executed':
        return el('p', { className: 'proposal-result', textContent: proposalResult(view) });
      case 'failed':
        return el('div', { className: 'proposal-failure', attrs: { role: 'alert' } }, [
          el('p', { className: 'proposal-failure-title', textContent: 'The execution failed; nothing was written.' }),
          el('p', { className: 'proposal-reason', textContent: sentence(view.reason || 'no reason was given') }),
        ]);
      case 'rejected':
        return el('p', { className: 'proposal-rejected' }, [
          el('span', { className: 'proposal-outcome-label', textContent: 'Rejected: ' }),
          el('span', { className: 'proposal-reason', textContent: view.reason || 'no reason was given.' }),
        ]);
      case 'expired':
        return el('p', { className: 'proposal-expired', textContent: 'This proposal expired before it was decided; nothing was written.' });
      case 'approved':
        return view.can_execute ? null : el('p', { className: 'proposal-waiting', textContent: 'Approved; waiting for a member of the approving group to execute it.' });
      default:
        return !view.can_decide && view.waiting_for
          ? el('p', { className: 'proposal-waiting', textContent: sentence(view.waiting_for) })
          : null;
    }
  }

  /** What an executed proposal did, in words. */
  function proposalResult(view) {
    const result = view.result && typeof view.result === 'object' ? view.result : {};
    const count = (n, word) => `${NUM.integer.format(n)} ${word}${n === 1 ? '' : 's'}`;
    switch (view.kind) {
      case 'create_purchase_order':
        if (result.purchase_order) {
          if (result.written === false) return `Draft purchase order ${result.purchase_order} already existed; nothing new was written.`;
          const lines = typeof result.lines === 'number' ? ` with ${count(result.lines, 'line')}` : '';
          return `Draft purchase order ${result.purchase_order} created${lines}.`;
        }
        break;
      case 'archive_product':
        if (typeof result.archived === 'number') return `${count(result.archived, 'product')} archived.`;
        break;
      case 'update_reorder_rule':
        if (typeof result.min_qty === 'number' && typeof result.max_qty === 'number') {
          return `Reorder rule updated: minimum ${NUM.integer.format(result.min_qty)}, maximum ${NUM.integer.format(result.max_qty)}.`;
        }
        break;
      case 'create_activity':
        return result.written === false ? 'The activity already existed; nothing new was written.' : 'Activity created.';
      default:
        break;
    }
    return 'Executed.';
  }

  function proposalOutcome(view) {
    if (view.state === 'executed') return `${view.reference} executed. ${proposalResult(view)}`;
    if (view.state === 'failed') return `${view.reference} failed. ${sentence(view.reason || '')}`;
    return `${view.reference} is ${(PROPOSAL_STATES[view.state] || view.state).toLowerCase()}.`;
  }

  /** Approve, approve and execute, reject (or withdraw one's own), execute: what the viewer may. */
  function proposalButtons(ui, controls) {
    const view = ui.view;
    const button = (key, label, busyLabel, className, onClick) => {
      const busy = ui.busy === key;
      const node = el('button', { type: 'button', className: `btn btn-small ${className}`, textContent: busy ? busyLabel : label });
      node.dataset.focusKey = key;
      // aria-disabled, not disabled: a disabled button would drop the focus while it runs.
      if (ui.busy) node.setAttribute('aria-disabled', 'true');
      if (busy) node.setAttribute('aria-busy', 'true');
      node.addEventListener('click', () => { if (!ui.busy) onClick(); });
      return node;
    };
    const buttons = [];
    if (view.can_decide) {
      buttons.push(
        button('approve-execute', 'Approve and execute', 'Approving…', 'btn-primary proposal-approve-execute', () => controls.approve(true)),
        button('approve', 'Approve', 'Approving…', 'btn-ghost proposal-approve', () => controls.approve(false)),
        button('reject', 'Reject', 'Rejecting…', 'btn-ghost proposal-reject', () => controls.openReject()),
      );
    } else if (isPending(view) && state.user && view.requested_by_name === state.user.username) {
      buttons.push(button('reject', 'Withdraw', 'Withdrawing…', 'btn-ghost proposal-reject proposal-withdraw', () => controls.openReject()));
    }
    if (view.can_execute && !isExecuting(view)) {
      buttons.push(button('execute', 'Execute', 'Starting…', 'btn-primary proposal-execute', () => controls.execute()));
    }
    if (!buttons.length) return null;
    const group = el('div', { className: 'proposal-actions' }, buttons);
    group.setAttribute('role', 'group');
    group.setAttribute('aria-label', `Decide ${view.reference}`);
    return group;
  }

  /** The inline "why?" step of a rejection (or a withdrawal): a reason, Confirm, Cancel. */
  function rejectForm(ui, controls) {
    const view = ui.view;
    const withdrawing = !view.can_decide;
    const id = uniqueId('proposal-reason');
    const errorId = uniqueId('proposal-reason-error');
    const input = el('textarea', {
      id, name: 'reason', rows: 2, maxLength: MAX_REASON, className: 'proposal-reason-input', value: ui.reason,
    });
    input.dataset.focusKey = 'reason';
    input.setAttribute('aria-describedby', errorId);
    if (ui.reasonError) input.setAttribute('aria-invalid', 'true');
    input.addEventListener('input', () => { ui.reason = input.value; });
    const busy = ui.busy === 'reject-confirm';
    const confirm = el('button', {
      type: 'submit',
      className: 'btn btn-danger btn-small proposal-reject-confirm',
      textContent: busy ? (withdrawing ? 'Withdrawing…' : 'Rejecting…') : (withdrawing ? 'Confirm withdrawal' : 'Confirm rejection'),
    });
    confirm.dataset.focusKey = 'reject-confirm';
    const cancel = el('button', { type: 'button', className: 'btn btn-ghost btn-small proposal-reject-cancel', textContent: 'Cancel' });
    cancel.dataset.focusKey = 'reject-cancel';
    if (ui.busy) {
      confirm.setAttribute('aria-disabled', 'true');
      cancel.setAttribute('aria-disabled', 'true');
    }
    const form = el('form', { className: 'proposal-reject-form', noValidate: true }, [
      el('label', { htmlFor: id, textContent: withdrawing ? `Why withdraw ${view.reference}?` : `Why reject ${view.reference}?` }),
      input,
      el('p', { id: errorId, className: 'form-error', attrs: { role: 'alert' }, textContent: ui.reasonError }),
      el('div', { className: 'proposal-actions' }, [confirm, cancel]),
    ]);
    cancel.addEventListener('click', () => { if (!ui.busy) controls.closeReject(); });
    form.addEventListener('keydown', (event) => {
      if (event.key !== 'Escape' || ui.busy) return;
      event.stopPropagation();
      controls.closeReject();
    });
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (!ui.busy) controls.reject();
    });
    return form;
  }

  /** The proposal's history, oldest first (lists leave it out; a single proposal has it). */
  function proposalHistory(ui) {
    const events = Array.isArray(ui.view.events) ? ui.view.events : [];
    if (!events.length) return null;
    const items = events.map((event) => el('li', { className: 'proposal-event' }, [
      el('span', { className: 'proposal-event-step', textContent: PROPOSAL_STEPS[event.step] || sentence(String(event.step || '').replace(/_/g, ' ')).replace(/\.$/, '') }),
      event.username ? el('span', { className: 'proposal-event-by', textContent: event.step === 'failed' ? ` (run by ${event.username})` : ` by ${event.username}` }) : null,
      el('span', { className: 'proposal-event-at' }, [' · ', timeElement(utc(event.at))]),
      event.detail ? el('span', { className: 'proposal-event-detail', textContent: event.detail }) : null,
    ]));
    const details = el('details', { className: 'query-details proposal-history', open: ui.historyOpen }, [
      el('summary', { textContent: `History (${events.length})` }),
      el('ol', { className: 'proposal-events' }, items),
    ]);
    details.addEventListener('toggle', () => { ui.historyOpen = details.open; });
    return details;
  }

  /* ---------- The Proposals page (#proposals) ---------- */

  /** The filter as a query string: state, and "waiting for me". */
  function proposalFilter() {
    const params = new URLSearchParams();
    const chosen = $('proposals-state').value;
    if (chosen) params.set('state', chosen);
    if ($('proposals-mine').checked) params.set('pending_for_me', 'true');
    return params.toString();
  }

  async function loadProposals() {
    state.proposalsEpoch += 1;
    const epoch = state.proposalsEpoch;
    const search = proposalFilter();
    const status = $('proposals-status');
    const list = $('proposals-list');
    status.textContent = 'Loading proposals…';
    list.setAttribute('aria-busy', 'true');
    try {
      const data = await api.proposals(search);
      if (epoch !== state.proposalsEpoch || $('proposals-panel').hidden) return;
      const proposals = Array.isArray(data) ? data : [];
      status.textContent = proposals.length
        ? `${NUM.integer.format(proposals.length)} proposal${proposals.length === 1 ? '' : 's'}.`
        : noProposalsText();
      keepingFocus(list, $('proposals-title'), () => list.replaceChildren(...proposals.map(proposalItem)));
      list.dataset.filter = search || 'all';   // which filter the list shows
    } catch (err) {
      if (err.status === 401 || epoch !== state.proposalsEpoch) return;
      status.textContent = `Could not load the proposals. ${err.message}`;
    } finally {
      if (epoch === state.proposalsEpoch) list.removeAttribute('aria-busy');
    }
  }

  function noProposalsText() {
    if ($('proposals-mine').checked) return 'Nothing is waiting for your decision.';
    if ($('proposals-state').value) return 'No proposals in this state.';
    return 'No proposals yet. When an answer suggests a change, such as a reorder, its Propose button makes one; it is listed here.';
  }

  /** One row of the list; it opens into the proposal's card (read afresh, with its history). */
  function proposalItem(view) {
    const detailId = uniqueId('proposal-detail');
    const toggle = el('button', { type: 'button', className: 'proposal-row' });
    toggle.setAttribute('aria-expanded', 'false');
    toggle.setAttribute('aria-controls', detailId);
    toggle.dataset.focusKey = `proposal-${view.reference}`;
    const detail = el('div', { id: detailId, className: 'proposal-detail', hidden: true });
    const item = el('li', { className: 'proposal-item' }, [toggle, detail]);
    item.dataset.reference = view.reference;
    const summarize = (current) => {
      item.dataset.state = current.state;
      toggle.replaceChildren(
        el('span', { className: 'proposal-row-main' }, [
          el('span', { className: 'proposal-ref', textContent: current.reference }),
          el('span', { className: 'proposal-row-title', textContent: current.title || '' }),
        ]),
        el('span', { className: 'proposal-row-meta' }, [
          riskBadge(current),
          proposalStateBadge(current),
          typeof current.amount === 'number' ? el('span', { className: 'proposal-row-amount', textContent: baht(current.amount) }) : null,
          el('span', { className: 'proposal-row-by', textContent: `by ${current.requested_by_name || '–'}` }),
          timeElement(utc(current.created_at), 'proposal-row-date'),
        ].filter(Boolean)),
        el('span', { className: 'proposal-chevron', attrs: { 'aria-hidden': 'true' } }),
      );
    };
    summarize(view);
    toggle.addEventListener('click', () => toggleProposal(toggle, detail, view.reference, summarize));
    return item;
  }

  async function toggleProposal(toggle, detail, reference, summarize) {
    if (toggle.getAttribute('aria-expanded') === 'true') {
      toggle.setAttribute('aria-expanded', 'false');
      detail.hidden = true;
      detail.replaceChildren();   // its card stops following an execution
      return;
    }
    toggle.setAttribute('aria-expanded', 'true');
    detail.hidden = false;
    detail.replaceChildren(el('p', { className: 'page-status', attrs: { role: 'status' }, textContent: `Opening ${reference}…` }));
    try {
      const view = await api.proposal(reference);
      if (toggle.getAttribute('aria-expanded') !== 'true') return;
      summarize(view);
      detail.replaceChildren(proposalCard(view, { onChange: summarize, history: true }));
    } catch (err) {
      if (err.status === 401 || toggle.getAttribute('aria-expanded') !== 'true') return;
      detail.replaceChildren(el('p', { className: 'proposal-problem', attrs: { role: 'alert' }, textContent: `Could not open ${reference}. ${err.message}` }));
    }
  }

  /* ====================================================================================
   * Uploads: sales files sent by data managers, their batches, and the mapping of a new format
   * ==================================================================================== */

  const UPLOAD_STATES = {
    sending: 'Sending', queued: 'Queued', running: 'Loading', needs_mapping: 'Needs mapping',
    loaded: 'Loaded', checked: 'Checked', rejected: 'Rejected', failed: 'Failed', duplicate: 'Duplicate',
  };
  const UPLOAD_POLL_MS = 1000;             // a batch's state, every second while it loads…
  const UPLOAD_POLL_MAX_MS = 3000;         // …then every few seconds after UPLOAD_SLOW_AFTER_MS
  const UPLOAD_SLOW_AFTER_MS = 60000;
  const UPLOADS_REFRESH_MS = 2000;         // the past uploads, while one of them loads
  const MAX_PROFILE_NAME = 80;
  const CHANNELS = { wholesale: 'Sell-out (wholesale)', marketplace: 'Marketplace orders', online: 'Web shop orders' };

  /**
   * The canonical fields a file's columns map to. `need` groups the fields of which a row needs
   * one (a date, a product key, a quantity and an amount); the others are optional.
   */
  const UPLOAD_FIELDS = [
    { field: 'date', label: 'Date', need: 'date' },
    { field: 'sku', label: 'SKU', need: 'product' },
    { field: 'barcode', label: 'Barcode', need: 'product' },
    { field: 'product_name', label: 'Product name', need: 'product' },
    { field: 'quantity', label: 'Quantity', need: 'quantity' },
    { field: 'net_amount', label: 'Net amount', need: 'amount' },
    { field: 'gross_amount', label: 'Gross amount', need: 'amount' },
    { field: 'unit_price', label: 'Unit price', need: 'amount' },
    { field: 'store_code', label: 'Store code' },
    { field: 'store_name', label: 'Store name' },
    { field: 'brand', label: 'Brand' },
    { field: 'category', label: 'Category' },
    { field: 'subcategory', label: 'Subcategory' },
    { field: 'discount', label: 'Discount' },
    { field: 'customer', label: 'Customer' },
    { field: 'order_ref', label: 'Order reference' },
  ];
  /** What each need is called when it is missing, and the legend of its group. */
  const UPLOAD_NEEDS = {
    date: { missing: 'the date' },
    product: { missing: 'a product (SKU, barcode or name)', legend: 'Product: at least one of' },
    quantity: { missing: 'the quantity' },
    amount: { missing: 'an amount (net, gross or unit price)', legend: 'Amount: at least one of' },
  };

  const isUploadRunning = (batch) => ['sending', 'queued', 'running'].includes(batch.state);
  const plural = (n, word) => `${NUM.integer.format(n)} ${word}${n === 1 ? '' : 's'}`;

  /* ---------- Choosing and sending files ---------- */

  function bindUploads() {
    $('uploads-refresh').addEventListener('click', () => loadUploadsPage());
    $('upload-form').addEventListener('submit', onUploadSubmit);
    $('upload-files').addEventListener('change', (event) => {
      addUploadFiles(event.target.files);
      event.target.value = '';   // the same file may be chosen again after it is removed
    });
    // A file dropped anywhere on the Uploads page joins the list (the browser would open it
    // instead of the page otherwise); the drop zone lights up while files are dragged.
    const zone = $('upload-drop');
    const carriesFiles = (event) => !$('uploads-panel').hidden && !$('view-chat').hidden
      && event.dataTransfer && Array.from(event.dataTransfer.types || []).includes('Files');
    window.addEventListener('dragover', (event) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
      zone.classList.add('is-dragging');
    });
    window.addEventListener('dragleave', (event) => {
      if (!event.relatedTarget) zone.classList.remove('is-dragging');   // left the window
    });
    window.addEventListener('drop', (event) => {
      zone.classList.remove('is-dragging');
      if (!carriesFiles(event)) return;
      event.preventDefault();
      addUploadFiles(event.dataTransfer.files);
    });
  }

  /** Adds files to the list to send (once each), and says how many are ready. */
  function addUploadFiles(fileList) {
    const files = Array.from(fileList || []);
    if (!files.length) return;
    const same = (a, b) => a.name === b.name && a.size === b.size && a.lastModified === b.lastModified;
    for (const file of files) {
      if (!state.uploadFiles.some((chosen) => same(chosen, file))) state.uploadFiles.push(file);
    }
    $('upload-error').textContent = '';
    renderChosenFiles();
    announce(`${plural(state.uploadFiles.length, 'file')} ready to upload.`);
  }

  /** The files to send, each with a Remove button; the submit button counts them. */
  function renderChosenFiles() {
    const list = $('upload-chosen');
    const files = state.uploadFiles;
    keepingFocus(list, $('upload-files'), () => list.replaceChildren(...files.map((file, index) => {
      const remove = el('button', { type: 'button', className: 'btn btn-ghost btn-small upload-remove', textContent: 'Remove' });
      remove.setAttribute('aria-label', `Remove ${file.name}`);
      remove.dataset.focusKey = `remove-${index}`;
      remove.addEventListener('click', () => {
        state.uploadFiles.splice(index, 1);
        renderChosenFiles();
        // The next file's button (the same key after the re-render), else the file input.
        const next = list.querySelector(`[data-focus-key="remove-${Math.min(index, state.uploadFiles.length - 1)}"]`);
        (next || $('upload-files')).focus();
      });
      return el('li', { className: 'upload-chosen-file' }, [
        el('span', { className: 'upload-chosen-name', textContent: file.name }),
        el('span', { className: 'upload-chosen-size', textContent: formatBytes(file.size) || '0 bytes' }),
        remove,
      ]);
    })));
    list.hidden = files.length === 0;
    if (!state.uploadSending) {
      $('upload-submit').textContent = files.length > 1 ? `Upload ${plural(files.length, 'file')}` : 'Upload';
    }
  }

  /**
   * Sends each chosen file in its own request, so one refused file (too large, unreadable)
   * does not hold back the others; each gets a card that follows its batch.
   */
  async function onUploadSubmit(event) {
    event.preventDefault();
    if (state.uploadSending) return;
    const error = $('upload-error');
    error.textContent = '';
    const files = state.uploadFiles.slice();
    if (!files.length) {
      error.textContent = 'Choose or drop at least one file to upload.';
      $('upload-files').focus();
      return;
    }
    const options = {};
    if ($('upload-profile').value) options.profile = $('upload-profile').value;
    if ($('upload-dry-run').checked) options.dry_run = true;
    const button = $('upload-submit');
    // aria-disabled rather than disabled: a disabled button would drop the focus.
    state.uploadSending = true;
    button.setAttribute('aria-disabled', 'true');
    button.setAttribute('aria-busy', 'true');
    button.textContent = 'Uploading…';
    const trackers = files.map((file) => uploadTracker({ file_name: file.name, size_bytes: file.size, state: 'sending' }));
    $('upload-cards').prepend(...trackers.map((tracker) => tracker.card));
    state.uploadFiles = [];
    renderChosenFiles();
    announce(`Uploading ${plural(files.length, 'file')}…`);
    try {
      for (const [index, file] of files.entries()) {
        const form = new FormData();
        form.append('file', file, file.name);
        if (Object.keys(options).length) form.append('options', JSON.stringify(options));
        try {
          const data = await api.sendUpload(form);
          if (!trackers[index].card.isConnected) return;   // signed out meanwhile
          const batch = data && Array.isArray(data.batches) ? data.batches[0] : null;
          if (!batch) throw new ApiError(0, null, 'The server did not say what became of the file. Refresh the list to see it.');
          trackers[index].show(batch);
          trackers[index].follow();
        } catch (err) {
          if (err.status === 401) return;
          if (err.status === 403 && err.code !== 'csrf') {
            // Not an uploader: nothing goes. Say so once, by the form, and keep the files.
            for (const tracker of trackers) tracker.card.remove();
            state.uploadFiles = files;
            error.textContent = `${err.message} Ask an administrator to add you to it.`;
            return;
          }
          trackers[index].fail(err.message);
        }
      }
      // Keyboard users land on the first card (with its mapping form, if it needs one).
      if (document.activeElement === button && trackers[0].card.isConnected) trackers[0].card.focus();
      loadUploads();
    } finally {
      state.uploadSending = false;
      button.removeAttribute('aria-disabled');
      button.removeAttribute('aria-busy');
      renderChosenFiles();
    }
  }

  /* ---------- A batch's card: its progress, counts, error report and mapping ---------- */

  /**
   * The card of one file: "sending", then its batch, polled every second until the import
   * ends; a batch that needs a mapping shows the mapping form, and follows the import again
   * once it is sent. Returns {card, show(batch), follow(), fail(message)}.
   */
  function uploadTracker(initial) {
    const titleId = uniqueId('upload-title');
    const card = el('section', { className: 'upload-card', tabIndex: -1, attrs: { 'aria-labelledby': titleId } });
    const ui = { batch: initial, problem: '', following: false };

    function render() {
      card.dataset.state = ui.batch.state;
      if (ui.batch.id !== undefined) card.dataset.batchId = String(ui.batch.id);
      card.setAttribute('aria-busy', String(isUploadRunning(ui.batch)));
      keepingFocus(card, card, () => card.replaceChildren(...uploadCardParts(ui, titleId, tracker).filter(Boolean)));
    }

    const tracker = {
      card,
      show(batch) {
        ui.batch = batch;
        render();
      },
      fail(message) {
        ui.batch = { ...ui.batch, state: 'failed', message };
        render();
        announce(`${ui.batch.file_name} was not uploaded. ${message}`);
      },
      /** Polls while the batch is queued or loading; says how it ended. */
      async follow() {
        if (ui.following) return;
        ui.following = true;
        const started = Date.now();
        try {
          while (isUploadRunning(ui.batch)) {
            await sleep(Date.now() - started > UPLOAD_SLOW_AFTER_MS ? UPLOAD_POLL_MAX_MS : UPLOAD_POLL_MS);
            if (!card.isConnected) return;
            try {
              const batch = await api.upload(ui.batch.id);
              if (ui.problem || JSON.stringify(batch) !== JSON.stringify(ui.batch)) {
                ui.problem = '';
                tracker.show(batch);
              }
            } catch (err) {
              if (err.status === 401 || !card.isConnected) return;
              if (err.status === 403 || err.status === 404) {
                ui.problem = err.status === 404 ? 'This upload is no longer visible to you.' : err.message;
                render();
                return;
              }
              // Network or server trouble: keep trying.
            }
          }
          const outcome = uploadOutcome(ui.batch);
          if ($('uploads-panel').hidden) toast(outcome);
          else announce(outcome);
          loadUploads();
        } finally {
          ui.following = false;
        }
      },
      /** Posts the mapping (and channel, and profile name) of a batch; the import starts again. */
      async map(form) {
        const submit = form.querySelector('.mapping-submit');
        if (submit.getAttribute('aria-disabled') === 'true') return;
        const error = form.querySelector('.mapping-error');
        const selects = Array.from(form.querySelectorAll('select.mapping-select'));
        const mapping = {};
        for (const select of selects) if (select.value) mapping[select.name] = select.value;
        const missing = missingNeeds(mapping);
        for (const select of selects) {
          const field = UPLOAD_FIELDS.find((spec) => spec.field === select.name);
          if (field && missing.includes(field.need)) select.setAttribute('aria-invalid', 'true');
          else select.removeAttribute('aria-invalid');
        }
        if (missing.length) {
          error.textContent = `Map at least ${listWords(missing.map((need) => UPLOAD_NEEDS[need].missing))}.`;
          selects.find((select) => select.getAttribute('aria-invalid') === 'true').focus();
          return;
        }
        const name = form.elements.save_profile.value.trim();
        if (name.length > MAX_PROFILE_NAME) {
          error.textContent = `A format's name has at most ${MAX_PROFILE_NAME} characters.`;
          form.elements.save_profile.focus();
          return;
        }
        const body = { mapping, channel: form.elements.channel.value };
        if (name) body.save_profile = name;
        error.textContent = '';
        submit.setAttribute('aria-disabled', 'true');
        submit.setAttribute('aria-busy', 'true');
        submit.textContent = 'Sending…';
        try {
          const batch = await api.mapUpload(ui.batch.id, body);
          tracker.show(batch);
          announce(`Columns mapped. Loading ${batch.file_name}…`);
          if (name) loadUploadProfiles();
          tracker.follow();
        } catch (err) {
          if (err.status === 401 || !card.isConnected) return;
          submit.removeAttribute('aria-disabled');
          submit.removeAttribute('aria-busy');
          submit.textContent = 'Map and load';
          error.textContent = err.message;
          // Mapped elsewhere (or gone): show what the batch is now.
          if (err.status === 404 || err.status === 409) tracker.refresh();
        }
      },
      async refresh() {
        try {
          tracker.show(await api.upload(ui.batch.id));
          if (isUploadRunning(ui.batch)) tracker.follow();
        } catch (err) {
          if (err.status === 401) return;
          ui.problem = err.status === 404 ? 'This upload is no longer visible to you.' : err.message;
          render();
        }
      },
    };
    render();
    return tracker;
  }

  function uploadCardParts(ui, titleId, tracker) {
    const batch = ui.batch;
    return [
      el('div', { className: 'upload-head' }, [
        el('h3', { id: titleId, className: 'upload-name', textContent: batch.file_name || 'Upload' }),
        uploadStateBadge(batch),
        batch.size_bytes > 0 ? el('span', { className: 'upload-size', textContent: formatBytes(batch.size_bytes) }) : null,
      ]),
      uploadProgress(batch),
      uploadFacts(batch),
      uploadMessage(batch),
      ui.problem ? el('p', { className: 'upload-message is-problem', attrs: { role: 'alert' }, textContent: ui.problem }) : null,
      uploadReportLinks(batch),
      batch.state === 'needs_mapping' && !ui.problem ? mappingForm(batch, tracker) : null,
    ];
  }

  function uploadStateBadge(batch) {
    const badge = el('span', { className: 'upload-state', textContent: UPLOAD_STATES[batch.state] || String(batch.state) });
    badge.dataset.state = batch.state;
    return badge;
  }

  /** A bar and a line of words while the file is sent, waits or loads. */
  function uploadProgress(batch) {
    if (!isUploadRunning(batch)) return null;
    const words = { sending: 'Sending the file…', queued: 'Waiting for its turn…', running: 'Reading and loading the rows…' };
    const bar = el('progress', { className: 'export-progress upload-progress', max: 100 });
    bar.setAttribute('aria-label', `Progress of ${batch.file_name}`);
    return el('div', { className: 'upload-running' }, [
      bar,
      el('p', { className: 'upload-running-text', textContent: words[batch.state] }),
    ]);
  }

  /** Rows read, loaded and with errors; what was created; the dates; the format and channel. */
  function uploadFacts(batch) {
    if (isUploadRunning(batch) || batch.state === 'needs_mapping' || batch.id === undefined) return null;
    const summary = batch.summary && typeof batch.summary === 'object' ? batch.summary : {};
    const facts = el('dl', { className: 'facts upload-facts' });
    const add = (key, label, value) => {
      if (value === undefined || value === null || value === '') return;
      const dd = el('dd', { textContent: typeof value === 'number' ? NUM.integer.format(value) : String(value) });
      dd.dataset.fact = key;
      facts.append(el('div', { className: 'fact' }, [el('dt', { textContent: label }), dd]));
    };
    const number = (value) => (typeof value === 'number' ? value : null);
    if (batch.state !== 'duplicate' || batch.rows_read > 0) {
      add('rows_read', 'Rows read', number(batch.rows_read));
      add('rows_loaded', batch.state === 'checked' ? 'Would load' : 'Loaded', number(batch.rows_loaded));
      add('rows_failed', 'With errors', number(batch.rows_failed));
    }
    add('products_created', 'Products created', number(summary.products_created));
    add('stores_created', 'Stores created', number(summary.stores_created));
    add('customers_created', 'Customers created', number(summary.customers_created));
    if (number(summary.rows_replaced)) add('rows_replaced', 'Rows replaced', summary.rows_replaced);
    if (summary.date_from) {
      const from = formatDay(summary.date_from);
      const to = formatDay(summary.date_to || summary.date_from);
      add('dates', 'Dates', from === to ? from : `${from} – ${to}`);
    }
    add('profile', 'Format', batch.profile || summary.profile);
    add('channel', 'Channel', CHANNELS[summary.channel] || summary.channel);
    return facts.hasChildNodes() ? facts : null;
  }

  /** The batch's message (why it failed, was rejected or is a duplicate; a dry run's result). */
  function uploadMessage(batch) {
    // A batch waiting for its mapping has the form, which says why.
    if (!batch.message || isUploadRunning(batch) || batch.state === 'needs_mapping') return null;
    const problem = ['failed', 'rejected'].includes(batch.state);
    return el('p', { className: `upload-message${problem ? ' is-problem' : ''}`, textContent: sentence(batch.message) });
  }

  /** The error report's download links (XLSX and CSV), when rows were not loaded. */
  function uploadReportLinks(batch, compact = false) {
    if (!(batch.rows_failed > 0) || batch.id === undefined) return null;
    const link = (format, label, primary) => {
      const href = `/api/v1/uploads/${encodeURIComponent(batch.id)}/errors?format=${format}`;
      const node = el('a', {
        className: `btn btn-small ${primary ? 'btn-primary' : 'btn-ghost'} upload-report-link`,
        href,
        download: `upload-${batch.id}-errors.${format}`,
      }, [compact ? null : icon('download'), label]);
      node.setAttribute('aria-label', `Download the error report of ${batch.file_name} (${label})`);
      node.dataset.format = format;
      node.dataset.focusKey = `report-${batch.id}-${format}`;
      return node;
    };
    const group = el('div', { className: 'upload-report' }, [
      compact ? null : el('span', { className: 'upload-report-label', textContent: `Download the error report (${plural(batch.rows_failed, 'row')}):` }),
      link('xlsx', 'XLSX', !compact),
      link('csv', 'CSV', false),
    ]);
    group.setAttribute('role', 'group');
    group.setAttribute('aria-label', `Error report of ${batch.file_name}`);
    return group;
  }

  function uploadOutcome(batch) {
    const name = batch.file_name;
    const failed = batch.rows_failed > 0 ? `, ${plural(batch.rows_failed, 'row')} with errors` : '';
    switch (batch.state) {
      case 'loaded':
        return `${name}: ${plural(batch.rows_loaded, 'row')} loaded${failed}.`;
      case 'checked':
        return `${name} checked: ${plural(batch.rows_loaded, 'row')} would load${failed}. Nothing was written.`;
      case 'needs_mapping':
        return `${name} needs its columns mapped: no known format fits it.`;
      default:
        return `${name}: ${(UPLOAD_STATES[batch.state] || batch.state).toLowerCase()}. ${batch.message ? sentence(batch.message) : ''}`.trim();
    }
  }

  /* ---------- Mapping the columns of a file no format fits ---------- */

  /** The needs (date, product, quantity, amount) a mapping leaves out. */
  function missingNeeds(mapping) {
    return Object.keys(UPLOAD_NEEDS).filter((need) =>
      !UPLOAD_FIELDS.some((spec) => spec.need === need && mapping[spec.field]));
  }

  /** "a, b and c". */
  function listWords(words) {
    return words.length > 1 ? `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}` : words.join('');
  }

  /** Below this confidence a suggestion asks to be checked. */
  const SURE_SUGGESTION = 0.9;

  /**
   * The suggested header of each field, from the batch's suggestions
   * ([{field, header, column, confidence}], best first; a {field: header} object is read too).
   * Only the file's own headers count.
   */
  function suggestedHeaders(summary, headers) {
    const found = {};
    const add = (field, header, confidence) => {
      if (typeof field === 'string' && typeof header === 'string' && headers.includes(header) && !found[field]) {
        found[field] = { header, sure: typeof confidence !== 'number' || confidence >= SURE_SUGGESTION };
      }
    };
    const raw = summary.suggestions;
    if (Array.isArray(raw)) {
      for (const item of raw) if (item && typeof item === 'object') add(item.field, item.header, item.confidence);
    } else if (raw && typeof raw === 'object') {
      for (const [field, header] of Object.entries(raw)) add(field, header);
    }
    return found;
  }

  /**
   * One select per canonical field listing the file's headers (suggested ones preselected),
   * grouped into what every row needs and what is optional; the channel; a name to save the
   * mapping as a format; and the submit that loads the file.
   */
  function mappingForm(batch, tracker) {
    const summary = batch.summary && typeof batch.summary === 'object' ? batch.summary : {};
    const headers = (Array.isArray(summary.headers) ? summary.headers : []).filter((header) => typeof header === 'string' && header);
    const suggested = suggestedHeaders(summary, headers);
    const titleId = uniqueId('mapping-title');
    const errorId = uniqueId('mapping-error');

    const fieldControl = (spec) => {
      const id = uniqueId(`mapping-${spec.field}`);
      const select = el('select', { id, name: spec.field, className: 'mapping-select' }, [
        el('option', { value: '', textContent: '— not in this file —' }),
        ...headers.map((header) => el('option', { value: header, textContent: header })),
      ]);
      const suggestion = suggested[spec.field];
      select.value = suggestion ? suggestion.header : '';
      select.dataset.focusKey = `mapping-${spec.field}`;
      const described = [errorId];
      let hint = null;
      if (suggestion) {
        hint = el('span', {
          id: uniqueId('mapping-hint'),
          className: `mapping-suggested${suggestion.sure ? '' : ' is-unsure'}`,
          textContent: suggestion.sure ? 'Suggested' : 'Suggested: please check',
        });
        described.unshift(hint.id);
      }
      select.setAttribute('aria-describedby', described.join(' '));
      return el('div', { className: 'mapping-field' }, [el('label', { htmlFor: id, textContent: spec.label }), select, hint]);
    };
    // A need met by one of several fields (product, amount) is a group of its own.
    const need = ([name, words]) => {
      const specs = UPLOAD_FIELDS.filter((spec) => spec.need === name);
      if (specs.length === 1) return fieldControl(specs[0]);
      return el('fieldset', { className: `mapping-group mapping-need-${name}` }, [
        el('legend', { textContent: words.legend }),
        el('div', { className: 'mapping-fields' }, specs.map(fieldControl)),
      ]);
    };
    const needs = el('fieldset', { className: 'mapping-section' }, [
      el('legend', { className: 'mapping-section-title', textContent: 'What every row needs' }),
      el('div', { className: 'mapping-needs' }, Object.entries(UPLOAD_NEEDS).map(need)),
    ]);
    const optional = el('fieldset', { className: 'mapping-section' }, [
      el('legend', { className: 'mapping-section-title', textContent: 'Optional columns' }),
      el('div', { className: 'mapping-fields' }, UPLOAD_FIELDS.filter((spec) => !spec.need).map(fieldControl)),
    ]);

    const channelId = uniqueId('mapping-channel');
    const channel = el('select', { id: channelId, name: 'channel' },
      Object.entries(CHANNELS).map(([value, label]) => el('option', { value, textContent: label })));
    channel.value = CHANNELS[summary.channel] ? summary.channel : 'wholesale';
    channel.dataset.focusKey = 'mapping-channel';
    const profileId = uniqueId('mapping-profile');
    const profileHint = el('span', { id: uniqueId('mapping-profile-hint'), className: 'field-hint', textContent: 'Name it, and the next file with these columns is recognised.' });
    const profile = el('input', { id: profileId, name: 'save_profile', type: 'text', maxLength: MAX_PROFILE_NAME, autocomplete: 'off', spellcheck: false });
    profile.setAttribute('aria-describedby', profileHint.id);
    profile.dataset.focusKey = 'mapping-save-profile';

    const submit = el('button', { type: 'submit', className: 'btn btn-primary btn-small mapping-submit', textContent: 'Map and load' });
    submit.dataset.focusKey = 'mapping-submit';
    const form = el('form', { className: 'upload-mapping', noValidate: true, attrs: { 'aria-labelledby': titleId } }, [
      el('p', { id: titleId, className: 'mapping-title', textContent: `Map the columns of ${batch.file_name}` }),
      el('p', { className: 'mapping-lead', textContent: `No known format fits its ${plural(headers.length, 'column')}. Choose the column that holds each field; suggestions come from the headers and the values.` }),
      needs,
      optional,
      el('div', { className: 'mapping-extra' }, [
        el('div', { className: 'mapping-field' }, [el('label', { htmlFor: channelId, textContent: 'Channel' }), channel]),
        el('div', { className: 'mapping-field mapping-save' }, [
          el('label', { htmlFor: profileId, textContent: 'Save as a format (optional)' }), profile, profileHint,
        ]),
      ]),
      el('p', { id: errorId, className: 'form-error mapping-error', attrs: { role: 'alert' } }),
      el('div', { className: 'mapping-actions' }, [submit]),
    ]);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      tracker.map(form);
    });
    return form;
  }

  /* ---------- The Uploads page (#uploads) ---------- */

  function loadUploadsPage() {
    loadUploadProfiles();
    loadUploads();
  }

  /** The vendor formats a file may be sent with ("Detect automatically" first). */
  async function loadUploadProfiles() {
    state.profilesEpoch += 1;
    const epoch = state.profilesEpoch;
    try {
      const data = await api.uploadProfiles();
      if (epoch !== state.profilesEpoch) return;
      const profiles = (data && Array.isArray(data.profiles) ? data.profiles : []).filter((profile) => profile && profile.name);
      const select = $('upload-profile');
      const chosen = select.value;
      select.replaceChildren(
        el('option', { value: '', textContent: 'Detect automatically' }),
        ...profiles.map((profile) => el('option', {
          value: profile.name,
          textContent: profile.description ? `${profile.name} — ${truncate(profile.description, 60)}` : profile.name,
          title: profile.description || '',
        })),
      );
      select.value = profiles.some((profile) => profile.name === chosen) ? chosen : '';
    } catch (err) {
      // Detection still works without the list; the select keeps "Detect automatically".
    }
  }

  async function loadUploads() {
    stopUploadsRefresh();
    state.uploadsEpoch += 1;
    const epoch = state.uploadsEpoch;
    const status = $('uploads-status');
    const list = $('uploads-list');
    if (!list.hasChildNodes()) status.textContent = 'Loading your uploads…';
    list.setAttribute('aria-busy', 'true');
    try {
      const data = await api.uploads();
      if (epoch !== state.uploadsEpoch || $('uploads-panel').hidden) return;
      const batches = Array.isArray(data && data.batches) ? data.batches : [];
      status.textContent = batches.length ? '' : 'No uploads yet. The files you upload are listed here with what became of them.';
      keepingFocus(list, $('uploads-title'), () => renderUploads(batches));
      if (batches.some(isUploadRunning)) state.uploadsTimer = window.setTimeout(loadUploads, UPLOADS_REFRESH_MS);
    } catch (err) {
      if (err.status === 401 || epoch !== state.uploadsEpoch) return;
      status.textContent = `Could not load your uploads. ${err.message}`;
    } finally {
      if (epoch === state.uploadsEpoch) list.removeAttribute('aria-busy');
    }
  }

  function stopUploadsRefresh() {
    window.clearTimeout(state.uploadsTimer);
    state.uploadsTimer = null;
  }

  /** Sign-out: nothing of the last user's uploads stays on the page. */
  function resetUploads() {
    stopUploadsRefresh();
    state.uploadsEpoch += 1;
    state.profilesEpoch += 1;
    state.uploadFiles = [];
    $('upload-cards').replaceChildren();
    $('uploads-list').replaceChildren();
    $('uploads-status').textContent = '';
    $('upload-error').textContent = '';
    $('upload-form').reset();
    $('upload-profile').replaceChildren(el('option', { value: '', textContent: 'Detect automatically' }));
    renderChosenFiles();
  }

  function renderUploads(batches) {
    const list = $('uploads-list');
    if (!batches.length) {
      list.replaceChildren();
      return;
    }
    const headings = ['File', 'State', 'Read', 'Loaded', 'Errors', 'Format', 'Uploaded', ''];
    const numeric = new Set(['Read', 'Loaded', 'Errors']);
    const header = (text) => el('th', { scope: 'col', className: numeric.has(text) ? 'align-right' : '' }, [
      text || el('span', { className: 'visually-hidden', textContent: 'Error report or mapping' }),
    ]);
    const table = el('table', { className: 'answer-table uploads-table' }, [
      el('caption', { className: 'visually-hidden', textContent: 'Your uploads, newest first' }),
      el('thead', {}, [el('tr', {}, headings.map(header))]),
      el('tbody', {}, batches.map(uploadRow)),
    ]);
    list.replaceChildren(el('div', { className: 'table-wrap uploads-wrap' }, [table]));
  }

  function uploadRow(batch) {
    const counted = !isUploadRunning(batch) && batch.state !== 'needs_mapping';
    const count = (value) => (counted && typeof value === 'number' ? NUM.integer.format(value) : '–');
    const problem = ['failed', 'rejected', 'duplicate'].includes(batch.state) && batch.message;
    const row = el('tr', { className: 'upload-row' }, [
      el('th', { scope: 'row', className: 'upload-row-name', textContent: batch.file_name }),
      el('td', {}, [el('div', { className: 'upload-state-cell' }, [
        uploadStateBadge(batch),
        problem ? el('span', { className: 'upload-row-message', textContent: sentence(batch.message) }) : null,
      ])]),
      el('td', { className: 'align-right', textContent: count(batch.rows_read) }),
      el('td', { className: 'align-right', textContent: count(batch.rows_loaded) }),
      el('td', { className: 'align-right', textContent: count(batch.rows_failed) }),
      el('td', { textContent: batch.profile || '–' }),
      el('td', {}, [timeElement(utc(batch.created_at))]),
      el('td', {}, [uploadRowControl(batch)]),
    ]);
    row.dataset.batchId = String(batch.id);
    row.dataset.state = batch.state;
    return row;
  }

  /** The error report's links, or "Map columns" for a batch waiting for its mapping. */
  function uploadRowControl(batch) {
    if (batch.state === 'needs_mapping') {
      const button = el('button', { type: 'button', className: 'btn btn-ghost btn-small upload-map', textContent: 'Map columns' });
      button.setAttribute('aria-label', `Map the columns of ${batch.file_name}`);
      button.dataset.focusKey = `map-${batch.id}`;
      button.addEventListener('click', () => openUploadCard(batch));
      return button;
    }
    return uploadReportLinks(batch, true);
  }

  /** Shows a past batch's card above the list (its mapping form), or focuses it if shown. */
  function openUploadCard(batch) {
    const shown = $('upload-cards').querySelector(`.upload-card[data-batch-id="${CSS.escape(String(batch.id))}"]`);
    if (shown) {
      shown.focus();
      return;
    }
    const tracker = uploadTracker(batch);
    $('upload-cards').prepend(tracker.card);
    tracker.card.focus();
    tracker.refresh();   // read afresh: it may have been mapped elsewhere
  }

  /** "10 Nov 2026" from "2026-11-10" (a calendar day: no time zone may move it). */
  function formatDay(text) {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(text || ''));
    if (!match) return String(text || '');
    return shortDate.format(new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  }

  /* ====================================================================================
   * Dates
   * ==================================================================================== */

  const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
  const shortDate = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric' });
  const dateTime = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' });

  /** "just now", "5 minutes ago", "yesterday", then a plain date after a week. */
  function relativeDate(iso) {
    const time = Date.parse(iso || '');
    if (!time) return '';
    const seconds = Math.round((time - Date.now()) / 1000);
    const abs = Math.abs(seconds);
    if (abs < 45) return 'just now';
    if (abs < 3600) return relative.format(Math.round(seconds / 60), 'minute');
    if (abs < 86400) return relative.format(Math.round(seconds / 3600), 'hour');
    if (abs < 7 * 86400) return relative.format(Math.round(seconds / 86400), 'day');
    return shortDate.format(new Date(time));
  }

  /** A relative date ("5 minutes ago", "in 6 days") with the exact time on hover. */
  function timeElement(iso, className) {
    const time = el('time', { className, textContent: relativeDate(iso) || '–' });
    if (iso) {
      time.setAttribute('datetime', iso);
      time.title = formatTimestamp(iso);
    }
    return time;
  }

  /** The server's proposal times are UTC without a zone ("2026-11-15T09:30:00"): mark them so. */
  function utc(iso) {
    if (typeof iso !== 'string' || !iso) return iso;
    return /(Z|[+-]\d\d:?\d\d)$/i.test(iso) ? iso : `${iso}Z`;
  }

  function formatTimestamp(iso) {
    const time = Date.parse(iso);
    return time ? dateTime.format(new Date(time)) : String(iso);
  }

  const truncate = (text, max) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

  /* ====================================================================================
   * Wiring
   * ==================================================================================== */

  function bindEvents() {
    $('login-form').addEventListener('submit', onLoginSubmit);
    $('password-form').addEventListener('submit', onPasswordSubmit);
    $('password-cancel').addEventListener('click', logout);
    $('logout').addEventListener('click', logout);
    $('new-conversation').addEventListener('click', () => newConversation());
    $('drawer-toggle').addEventListener('click', () => {
      if ($('view-chat').classList.contains('drawer-open')) closeDrawer();
      else openDrawer();
    });
    $('drawer-backdrop').addEventListener('click', () => closeDrawer());
    window.addEventListener('hashchange', () => {
      if (!$('view-chat').hidden) route();
    });
    $('exports-refresh').addEventListener('click', () => loadExports());
    $('proposals-refresh').addEventListener('click', () => loadProposals());
    $('proposals-state').addEventListener('change', () => loadProposals());
    $('proposals-mine').addEventListener('change', () => loadProposals());
    $('proposals-filters').addEventListener('submit', (event) => {
      event.preventDefault();
      loadProposals();
    });
    bindUploads();
    $('workspace').addEventListener('change', (event) => {
      // Conversations belong to one workspace, so a new workspace starts a new conversation.
      state.workspace = event.target.value;
      showWorkspaceSuggestions();
      newConversation();
    });
    $('ask-form').addEventListener('submit', (event) => {
      event.preventDefault();
      ask($('question').value);
    });
    $('question').addEventListener('input', onQuestionInput);
    $('question').addEventListener('keydown', onQuestionKeydown);
    document.addEventListener('keydown', onGlobalKeydown);
    // Safety net: an unexpected failure is shown kindly instead of as an uncaught rejection.
    window.addEventListener('unhandledrejection', (event) => {
      event.preventDefault();
      toast('Something went wrong. Please try again.', 'error');
    });
  }

  /** Escape closes the drawer, or the disclosure that holds the focus. */
  function onGlobalKeydown(event) {
    if (event.key !== 'Escape') return;
    if ($('view-chat').classList.contains('drawer-open')) {
      closeDrawer();
      return;
    }
    const details = document.activeElement && document.activeElement.closest('details[open]');
    if (details) {
      details.open = false;
      details.querySelector('summary').focus();
    }
  }

  async function boot() {
    bindEvents();
    // The session cookie is HttpOnly: ask the server who we are (`user` is null when nobody
    // is signed in, so a first visit logs no error).
    try {
      enter(await api.session());
    } catch (err) {
      showLoginView(err.status === 401 ? '' : err.message);
    }
  }

  boot();
})();
