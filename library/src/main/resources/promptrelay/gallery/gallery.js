// The gallery: everything comes from the API, and every text from it is shown with textContent, never as markup.
'use strict';

const PAGE = 50;
const REFRESH_MILLIS = 2000;
const IMAGE = /\.(png|jpe?g|gif)$/i;
const tab = { token: sessionStorage.getItem('promptrelay.token') || '', oldest: null, paged: false, shown: new Map(), blobs: new Map(), thumbLoads: new Map(), listed: false, filter: '', generation: 0, looking: false };

const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === 'class') node.className = value; else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

class NeedsToken extends Error {}

async function api(method, path, body) {
  const headers = {};
  const token = tab.token;
  if (token) headers.Authorization = 'Bearer ' + token;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status === 401) {
    // a refusal of a token given up meanwhile (a wrong one, replaced) does not ask for the new one again
    if (tab.token === token) $('token-form').hidden = false;
    throw new NeedsToken('this server asks for its API token');
  }
  return res;
}

async function json(method, path, body) {
  const res = await api(method, path, body);
  const answer = await res.json().catch(() => ({ error: 'HTTP ' + res.status + ' with no JSON answer' }));
  return { ok: res.ok, status: res.status, answer };
}

// An output fetched with the token (an <img src> could not send it), kept as a blob URL while the page is open.
async function blobUrl(url) {
  if (!tab.blobs.has(url)) {
    tab.blobs.set(url, api('GET', url).then(async (res) => {
      if (!res.ok) throw new Error('HTTP ' + res.status);
      return URL.createObjectURL(await res.blob());
    }).catch((e) => { tab.blobs.delete(url); throw e; }));
  }
  return tab.blobs.get(url);
}

function status(text) {
  $('status').textContent = text;
}

// The filter as the API takes it: text in a name or prompt, a state, a provider.
function filterQuery() {
  const params = new URLSearchParams();
  if ($('filter-text').value.trim()) params.set('q', $('filter-text').value.trim());
  if ($('filter-state').value) params.set('state', $('filter-state').value);
  if ($('filter-provider').value) params.set('provider', $('filter-provider').value);
  const query = params.toString();
  return query ? '&' + query : '';
}

// A changed filter starts the list again; answers to the former filter that come late are dropped.
function filterChanged() {
  tab.generation++;
  tab.filter = filterQuery();
  tab.shown.clear();
  tab.oldest = null;
  tab.paged = false;
  tab.looking = false;
  $('requests').replaceChildren();
  $('rejected-list').replaceChildren();
  $('rejected').open = $('filter-state').value === 'rejected';
  $('more').hidden = true;
  $('end').textContent = 'Loading the requests…';
  refresh();
}

async function refresh() {
  const generation = tab.generation;
  try {
    const { ok, answer } = await json('GET', '/api/jobs?limit=' + PAGE + tab.filter);
    if (generation !== tab.generation) return;
    if (!ok) throw new Error(answer.error || 'the list could not be read');
    // rejected requests have a section of their own, so many of them never push results off the screen
    const counts = { rejected: 0, other: 0 };
    answer.jobs.forEach((request) => show(request, counts[request.state === 'rejected' ? 'rejected' : 'other']++));
    if (!tab.listed && answer.jobs.length > 0) {
      tab.listed = true;
      performance.mark('gallery:listed');
    }
    await refreshOlder(new Set(answer.jobs.map((request) => request.id)));
    if (!tab.paged) {
      tab.paged = true;
      tab.oldest = answer.next_before || null;
      $('more').hidden = !tab.oldest;
      // a search that found nothing among the newest requests goes on looking back by itself
      if (tab.filter && answer.jobs.length === 0 && tab.oldest) {
        older();
        return;
      }
    }
    if (answer.jobs.length > 0 || $('requests').children.length > 0) $('end').textContent = '';
    else if (tab.looking) { /* older() says how far it got */ }
    else if (tab.filter) $('end').textContent = 'No request matches the filter' + (tab.oldest ? ' yet: "Older requests" looks further back.' : '.');
    else $('end').textContent = 'Nothing yet: drop a prompt file into the inbox, or send a prompt above.';
    status('updated ' + new Date().toLocaleTimeString());
  } catch (e) {
    status(e instanceof NeedsToken ? e.message : 'cannot reach promptrelay: ' + e.message);
    if (!tab.listed && $('end').textContent.startsWith('Loading')) $('end').textContent = 'The requests could not be read yet; trying again.';
  }
}

// Requests on older pages that have not ended yet, each asked for on its own: only those can still change.
async function refreshOlder(listed) {
  for (const [id, card] of tab.shown) {
    if (listed.has(id) || !['queued', 'running'].includes(card.node.dataset.state)) continue;
    const { ok, answer } = await json('GET', '/api/jobs/' + encodeURIComponent(id));
    if (ok) show(answer, null);
  }
}

// A search page looks through a few hundred requests: with nothing found, a few more pages are asked for at once.
const SEARCH_PAGES = 20;

async function older() {
  $('more').disabled = true;
  tab.looking = true;
  const generation = tab.generation;
  try {
    for (let page = 0; page < SEARCH_PAGES && tab.oldest; page++) {
      $('end').textContent = tab.filter ? 'Looking further back…' : '';
      const { ok, answer } = await json('GET', '/api/jobs?limit=' + PAGE + '&before=' + encodeURIComponent(tab.oldest) + tab.filter);
      if (generation !== tab.generation) return;
      if (!ok) throw new Error(answer.error);
      answer.jobs.forEach((request) => show(request, null));
      tab.oldest = answer.next_before || null;
      if (answer.jobs.length > 0 || !tab.filter) break;
    }
    $('more').hidden = !tab.oldest;
    if ($('requests').children.length > 0 || $('rejected-list').children.length > 0) $('end').textContent = '';
    else if (tab.filter) $('end').textContent = 'No request matches the filter' + (tab.oldest ? ' yet: "Older requests" looks further back.' : '.');
  } catch (e) {
    status('older requests could not be read: ' + e.message);
  } finally {
    $('more').disabled = false;
    if (generation === tab.generation) tab.looking = false;
  }
}

// One request's card, made once and brought up to date only when what the API says of it changed.
function show(request, position) {
  const said = JSON.stringify(request);
  let card = tab.shown.get(request.id);
  if (card && card.said === said) return;
  if (!card) {
    card = { node: el('article', { class: 'request', 'data-id': request.id }), thumbs: new Map() };
    tab.shown.set(request.id, card);
    const list = request.state === 'rejected' ? $('rejected-list') : $('requests');
    if (position === null) list.append(card.node);
    else list.insertBefore(card.node, list.children[position] || null);
  }
  card.said = said;
  render(card, request);
  if (request.state === 'rejected') summarizeRejected();
}

// One line for all rejected requests: how many, and the newest with its error; each has its card inside.
function summarizeRejected() {
  const cards = $('rejected-list').children;
  $('rejected').hidden = cards.length === 0;
  if (cards.length === 0) return;
  const newest = cards[0];
  // a rejected request's card always lists its error first; its first text is the error without the next step
  const error = newest.querySelector('.problems li');
  $('rejected-summary').textContent = cards.length + (cards.length === 1 ? ' rejected request' : ' rejected requests')
    + ', nothing paid for them. Newest: ' + newest.querySelector('.name').textContent
    + (error ? ': ' + error.firstChild.textContent : '');
}

/** "cost 8 credits, 2.84 seconds", or nothing where no provider said. */
function costText(costs) {
  const parts = Object.entries(costs || {}).map(([unit, amount]) => (Math.round(amount * 10000) / 10000) + ' ' + unit);
  return parts.length ? 'cost ' + parts.join(', ') : '';
}

function render(card, request) {
  const node = card.node;
  node.dataset.state = request.state;
  const head = el('h2', null,
    el('span', { class: 'name' }, request.name),
    el('span', { class: 'badge ' + request.state }, request.state),
    el('progress', { max: Math.max(1, request.jobs_total), value: request.jobs_ended }),
    el('span', { class: 'counts' }, request.jobs_ended + '/' + request.jobs_total + ' done'
      + (request.jobs_failed ? ', ' + request.jobs_failed + ' not succeeded' : '') + (request.sandbox ? ' (sandbox)' : '')),
    el('span', { class: 'cost', title: 'what the providers said it cost, in their own units' }, costText(request.costs)),
    el('time', { class: 'when', datetime: request.received_at }, new Date(request.received_at).toLocaleString()));
  let thumbs = node.querySelector('.thumbs');
  if (!thumbs) thumbs = el('div', { class: 'thumbs' });
  (request.output_urls || []).forEach((url, i) => {
    if (!card.thumbs.has(url)) {
      const tile = thumb(request, url, (request.outputs || [])[i] || url, (request.output_prompts || [])[i] || '');
      card.thumbs.set(url, tile);
      thumbs.append(tile);
    }
  });
  const children = [head];
  if (request.error) children.push(el('ul', { class: 'problems' }, problem(request.error, request.what_to_do)));
  children.push(thumbs);
  const problems = el('ul', { class: 'problems' });
  children.push(problems);
  const actions = el('div', { class: 'actions' });
  if (request.state === 'queued' || request.state === 'running') {
    actions.append(el('button', { type: 'button', class: 'cancel', onclick: () => act(request, 'DELETE', '/api/jobs/' + request.id, actions) }, 'Cancel'));
  }
  if (request.state === 'failed' || request.state === 'cancelled') {
    actions.append(el('button', { type: 'button', class: 'retry', onclick: () => act(request, 'POST', '/api/jobs/' + request.id + '/retry', actions) }, 'Retry'));
  }
  children.push(actions);
  node.replaceChildren(...children);
  if (request.jobs_failed > 0) failures(request, problems);
}

function problem(error, next) {
  return el('li', null, error, next ? el('span', { class: 'next' }, 'Next step: ' + next) : null);
}

// What went wrong with each job that did not succeed, and what to do next, from the request's full report.
async function failures(request, list) {
  try {
    const { ok, answer } = await json('GET', '/api/jobs/' + encodeURIComponent(request.id));
    if (!ok) return;
    for (const job of answer.jobs || []) {
      if (job.state !== 'succeeded' && job.error) {
        list.append(problem('#' + job.job + (job.line ? ' (line ' + job.line + ')' : '') + ' ' + job.state + ': ' + job.error, job.next_step));
      }
    }
  } catch (e) {
    list.append(el('li', null, 'the jobs could not be read: ' + e.message));
  }
}

async function act(request, method, path, actions) {
  actions.querySelectorAll('button').forEach((b) => { b.disabled = true; });
  try {
    const { ok, answer } = await json(method, path);
    actions.append(el('span', { class: 'message' }, ok ? (method === 'DELETE' ? 'cancelled' : 'queued again')
      + (answer.what_to_know ? ' (' + answer.what_to_know + ')' : '')
      : (answer.error || 'refused') + (answer.what_to_do ? ': ' + answer.what_to_do : '')));
    // jobs whose tasks ran already are run again only when the person says they pay a second time
    if (!ok && /pay-again=true/.test(answer.what_to_do || '')) {
      actions.append(el('button', { type: 'button', class: 'pay-again',
        onclick: () => act(request, 'POST', path + '?pay-again=true', actions) }, 'Run again, paying a second time'));
    }
  } catch (e) {
    actions.append(el('span', { class: 'message' }, e.message));
  }
  refresh();
}

// A tile: the thumbnail, and the prompt it was made from as its caption and the image's alt text.
function thumb(request, url, path, prompt) {
  const name = path.split('/').pop();
  const caption = el('span', { class: 'caption' }, prompt || name);
  if (!IMAGE.test(name)) {
    return el('button', { type: 'button', class: 'thumb video', title: name, onclick: () => detail(url, name, null) },
      el('span', { class: 'frame' }, '▶ ' + name), caption);
  }
  const img = el('img', { alt: prompt || name });
  const frame = el('span', { class: 'frame' }, img);
  const tile = el('button', { type: 'button', class: 'thumb', title: name, onclick: () => detail(url, name, img) }, frame, caption);
  tab.thumbLoads.set(tile, () => blobUrl(url + '/thumbnail').then((src) => { img.src = src; }).catch(() => frame.replaceChildren(name)));
  nearView.observe(tile);
  return tile;
}

// A thumbnail is fetched when its tile comes near the screen: a page of thousands of results loads what is seen.
const nearView = new IntersectionObserver((entries) => {
  for (const entry of entries) {
    if (!entry.isIntersecting) continue;
    nearView.unobserve(entry.target);
    const load = tab.thumbLoads.get(entry.target);
    tab.thumbLoads.delete(entry.target);
    if (load) load();
  }
}, { rootMargin: '800px 0px' });

// An output's detail: the image itself, and what was asked for, from the sidecar written beside it.
async function detail(url, name, thumbImg) {
  const dialog = $('detail');
  const image = $('detail-image');
  const fields = $('detail-fields');
  fields.replaceChildren();
  image.removeAttribute('src');
  image.alt = thumbImg ? thumbImg.alt : name;
  image.hidden = thumbImg === null;
  const field = (term, value) => { if (value !== undefined && value !== null && value !== '') fields.append(el('dt', null, term), el('dd', null, value)); };
  const download = $('detail-download');
  download.onclick = async (event) => {
    event.preventDefault();
    const a = el('a', { href: await blobUrl(url), download: name });
    document.body.append(a);
    a.click();
    a.remove();
  };
  dialog.showModal();
  try {
    const { ok, answer } = await json('GET', url + '/sidecar');
    if (!ok) throw new Error(answer.error);
    const asked = answer.parameters || {};
    field('Prompt', answer.prompt);
    field('Negative prompt', asked.negative_prompt);
    field('Provider', answer.provider + (answer.sandbox ? ' (sandbox placeholder)' : ''));
    field('Model', answer.model);
    field('Seed', asked.seed !== undefined ? asked.seed : 'chosen by the provider, which does not say which');
    field('Asked size', asked.size || (asked.width ? asked.width + 'x' + asked.height : asked.aspect_ratio));
    field('File', answer.file);
    field('From', answer.source_file + (answer.source_line ? ', line ' + answer.source_line : ''));
    field('Task', answer.task_id);
  } catch (e) {
    field('Details', 'could not be read: ' + e.message);
  }
  if (thumbImg !== null) {
    image.onload = () => field('Size', image.naturalWidth + 'x' + image.naturalHeight);
    image.src = await blobUrl(url).catch(() => thumbImg.src);
  }
}

async function send(event) {
  event.preventDefault();
  const job = { prompt: $('send-prompt').value };
  if ($('send-provider').value) job.provider = $('send-provider').value;
  if ($('send-model').value.trim()) job.model = $('send-model').value.trim();
  if ($('send-size').value.trim()) job.size = $('send-size').value.trim();
  if ($('send-count').value) job.count = Number($('send-count').value);
  if ($('send-seed').value) job.seed = Number($('send-seed').value);
  const result = $('send-result');
  try {
    const { ok, answer } = await json('POST', '/api/jobs', job);
    result.textContent = ok ? 'Accepted as ' + answer.id + ' (' + answer.jobs + ' job(s))'
      : (answer.error || 'refused') + (answer.what_to_do ? ': ' + answer.what_to_do : '');
    if (ok) $('send-prompt').value = '';
  } catch (e) {
    result.textContent = e.message;
  }
  refresh();
}

document.addEventListener('DOMContentLoaded', () => {
  $('token-form').addEventListener('submit', (event) => {
    event.preventDefault();
    tab.token = $('token').value;
    sessionStorage.setItem('promptrelay.token', tab.token);
    $('token-form').hidden = true;
    refresh();
  });
  $('send-form').addEventListener('submit', send);
  $('more').addEventListener('click', older);
  let typing = null;
  $('filter').addEventListener('submit', (event) => event.preventDefault());
  $('filter-text').addEventListener('input', () => { clearTimeout(typing); typing = setTimeout(filterChanged, 300); });
  $('filter-state').addEventListener('change', filterChanged);
  $('filter-provider').addEventListener('change', filterChanged);
  refresh();
  setInterval(refresh, REFRESH_MILLIS);
});
