/**
 * The verify page: takes a document and its proof bundle (dropped, chosen, or fetched by entry
 * id), hashes the document in the browser, runs the same verification use case as
 * `stele verify`, and shows each of the five steps, the inclusion path and the anchors.
 */
import { type VerifyBundleOptions, verifyBundle } from "../../shared/app/verify-bundle.ts";
import { toHex } from "../../shared/domain/bytes.ts";
import { InvalidBundleError, parseBundle } from "../../shared/domain/proof/bundle-codec.ts";
import {
  type Anchor,
  BUNDLE_FORMAT,
  type ProofBundle,
} from "../../shared/domain/proof/bundle-schema.ts";
import { failed, type StepOutcome } from "../../shared/domain/proof/verdict.ts";
import {
  type SuppliedContent,
  verifyBundleOffline,
} from "../../shared/domain/proof/verify-bundle.ts";
import { parseVerifyLink } from "../../shared/domain/proof/verify-link.ts";
import {
  apiBase,
  FetchProofError,
  fetchProof,
  fetchPublishedLog,
  type PublishedLog,
} from "./api.ts";
import { blockTimeOf, connectReaders } from "./chain.ts";
import { chainLabel, defaultRpcUrl } from "./chains.ts";
import { byId, h, shortHash } from "./dom.ts";
import { sha256OfFile } from "./hash-file.ts";
import { bundleSteps, inclusionFigure, inclusionTable } from "./inclusion-figure.ts";
import {
  type PageStep,
  pageSteps,
  renderAnchors,
  renderSteps,
  renderSummary,
  verdictOf,
} from "./render.ts";

/** API keys are kept per API origin, so that a key is only ever sent where it was typed. */
const apiKeyStorageKey = (origin: string) => `stele.verify.apiKey.${origin}`;
const rpcStorageKey = (chainId: number) => `stele.verify.rpc.${chainId}`;
/** Larger files are never read as text to see whether they are a bundle. */
const MAX_BUNDLE_BYTES = 16 * 1024 * 1024;

const ui = {
  drop: byId("drop"),
  files: byId<HTMLInputElement>("files"),
  chosen: byId("chosen"),
  hashing: byId("hashing"),
  hashLabel: byId("hash-label"),
  hashProgress: byId<HTMLProgressElement>("hash-progress"),
  fetchForm: byId<HTMLFormElement>("fetch-form"),
  entryId: byId<HTMLInputElement>("entry-id"),
  apiUrl: byId<HTMLInputElement>("api-url"),
  apiKey: byId<HTMLInputElement>("api-key"),
  fetchMessage: byId("fetch-message"),
  signer: byId<HTMLInputElement>("signer"),
  signerSource: byId("signer-source"),
  confirmations: byId<HTMLInputElement>("confirmations"),
  rpcFields: byId("rpc-fields"),
  verifyButton: byId<HTMLButtonElement>("verify-button"),
  result: byId("result"),
  verdict: byId("verdict"),
  steps: byId("steps"),
  summary: byId("summary"),
  pathSection: byId("path-section"),
  pathFigure: byId("path-figure"),
  pathTable: byId("path-table"),
  pathDetails: byId<HTMLDetailsElement>("path-details"),
  anchorsSection: byId("anchors-section"),
  anchorsTable: byId("anchors-table"),
};

interface Content {
  readonly file: File;
  /** SHA-256 of the file, streamed; started as soon as the file is chosen. */
  readonly sha256: Promise<Uint8Array>;
}

const state: {
  bundle?: { readonly bundle: ProofBundle; readonly source: string };
  content?: Content;
  /** RPC URLs typed or suggested, by chain id (kept when another bundle is loaded). */
  readonly rpcByChain: Map<number, string>;
  /** Chains whose RPC URL the person typed: only these are remembered, never a link's. */
  readonly typedRpc: Set<number>;
  /** The link's `rpc`, for the first chain of the first bundle that has anchors. */
  linkRpc: string | undefined;
  /** The API origin the key field holds the key of (null before the first sync). */
  keyOrigin: string | undefined | null;
  /** Set once the person edits a field, so that later prefills leave it alone. */
  signerTouched: boolean;
  confirmationsTouched: boolean;
  published?: PublishedLog;
  /** Increments per run, so that only the latest verification and fetch write to the page. */
  verifyRun: number;
  fetchRun: number;
} = {
  rpcByChain: new Map(),
  typedRpc: new Set(),
  linkRpc: undefined,
  keyOrigin: null,
  signerTouched: false,
  confirmationsTouched: false,
  verifyRun: 0,
  fetchRun: 0,
};

function storage(kind: "local" | "session"): Storage | undefined {
  try {
    return kind === "local" ? window.localStorage : window.sessionStorage;
  } catch {
    // Storage can be refused (file:// in some browsers, privacy settings): work without it.
    return undefined;
  }
}

const formatBytes = (bytes: number) =>
  bytes < 1024 * 1024
    ? `${(bytes / 1024).toFixed(1)} KiB`
    : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

// --- Choosing files -------------------------------------------------------------------------

/** The bundle in `file`, undefined when it is no bundle, or an error when it is a broken one. */
async function readBundle(file: File): Promise<ProofBundle | undefined> {
  if (file.size > MAX_BUNDLE_BYTES) return undefined;
  const first = new Uint8Array(await file.slice(0, 64).arrayBuffer());
  const head = new TextDecoder().decode(first).trimStart();
  if (!head.startsWith("{")) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(await file.text());
  } catch {
    return undefined;
  }
  const format = (value as { format?: unknown }).format;
  if (typeof format !== "string" || !format.startsWith("stele.proof")) return undefined;
  if (format !== BUNDLE_FORMAT) {
    throw new InvalidBundleError(`format ${format} is not ${BUNDLE_FORMAT}, which this page reads`);
  }
  return parseBundle(value);
}

function showChosen(): void {
  const items: HTMLElement[] = [];
  const loaded = state.bundle;
  if (loaded !== undefined) {
    const { entry, leafIndex, checkpoint } = loaded.bundle;
    items.push(
      h(
        "li",
        { "data-role": "bundle" },
        h("strong", {}, "Bundle: "),
        `${loaded.source} — entry `,
        h("code", {}, entry.id),
        ` (${entry.kind}), leaf ${leafIndex} of ${checkpoint.origin} at size ${checkpoint.treeSize}`,
      ),
    );
  }
  const content = state.content;
  if (content !== undefined) {
    const role = loaded?.bundle.entry.kind === "transaction" ? "Payload" : "Document";
    const item = h(
      "li",
      { "data-role": "content" },
      h("strong", {}, `${role}: `),
      `${content.file.name}, ${formatBytes(content.file.size)}`,
    );
    items.push(item);
    content.sha256.then(
      (hash) => item.append(" — SHA-256 ", h("code", {}, shortHash(toHex(hash)))),
      () => undefined,
    );
  }
  ui.chosen.replaceChildren(...items);
}

function hashWithProgress(file: File): Promise<Uint8Array> {
  ui.hashing.hidden = false;
  ui.hashProgress.value = 0;
  ui.hashLabel.textContent = `Hashing ${file.name} (${formatBytes(file.size)})…`;
  const started = performance.now();
  let lastPaint = 0;
  const hashing = sha256OfFile(file, (done, total) => {
    const now = performance.now();
    if (now - lastPaint < 100 && done < total) return;
    lastPaint = now;
    ui.hashProgress.value = total === 0 ? 1 : done / total;
    ui.hashLabel.textContent = `Hashing ${file.name}: ${formatBytes(done)} of ${formatBytes(total)}`;
  });
  hashing.then(
    () => {
      const seconds = (performance.now() - started) / 1000;
      ui.hashProgress.value = 1;
      ui.hashLabel.textContent = `Hashed ${file.name} (${formatBytes(file.size)}) in ${seconds.toFixed(2)} s`;
    },
    (error: Error) => {
      ui.hashLabel.textContent = `Could not read ${file.name}: ${error.message}`;
    },
  );
  return hashing;
}

async function takeFiles(files: readonly File[]): Promise<void> {
  const bundles: { file: File; bundle: ProofBundle }[] = [];
  const others: File[] = [];
  const problems: string[] = [];
  for (const file of files) {
    try {
      const bundle = await readBundle(file);
      if (bundle === undefined) others.push(file);
      else bundles.push({ file, bundle });
    } catch (error) {
      problems.push(`${file.name} is ${(error as Error).message}`);
    }
  }
  if (bundles.length > 1) problems.push("Give one bundle at a time.");
  if (others.length > 1) problems.push("Give one document (or payload) at a time.");
  if (problems.length > 0) {
    ui.chosen.replaceChildren(...problems.map((p) => h("li", { class: "notice error" }, p)));
    return;
  }
  const [chosenBundle] = bundles;
  if (chosenBundle !== undefined) {
    loadBundle(chosenBundle.bundle, chosenBundle.file.name);
  }
  const [document] = others;
  if (document !== undefined) {
    state.content = { file: document, sha256: hashWithProgress(document) };
  }
  showChosen();
  await verify();
}

// --- Bundle and settings --------------------------------------------------------------------

function loadBundle(bundle: ProofBundle, source: string): void {
  state.bundle = { bundle, source };
  renderRpcFields(bundle);
  applyPublishedConfirmations();
  const steps = bundleSteps(bundle);
  ui.pathSection.hidden = false;
  if (typeof steps === "string") {
    ui.pathFigure.replaceChildren(h("p", {}, steps));
    ui.pathTable.replaceChildren();
  } else {
    ui.pathFigure.replaceChildren(inclusionFigure(bundle, steps));
    ui.pathTable.replaceChildren(inclusionTable(bundle, steps));
  }
  ui.anchorsSection.hidden = false;
  renderAnchors(ui.anchorsTable, bundle.anchors, new Map());
}

function chainIdsOf(bundle: ProofBundle): number[] {
  return [...new Set(bundle.anchors.map((anchor) => anchor.chainId))];
}

function renderRpcFields(bundle: ProofBundle): void {
  const chainIds = chainIdsOf(bundle);
  const first = chainIds[0];
  if (first !== undefined && state.linkRpc !== undefined) {
    state.rpcByChain.set(first, state.linkRpc);
    state.typedRpc.delete(first);
    state.linkRpc = undefined;
  }
  const fields = chainIds.map((chainId) => {
    const id = `rpc-${chainId}`;
    const value =
      state.rpcByChain.get(chainId) ??
      storage("local")?.getItem(rpcStorageKey(chainId)) ??
      defaultRpcUrl(chainId) ??
      "";
    state.rpcByChain.set(chainId, value);
    const input = h("input", {
      id,
      type: "url",
      "data-chain-id": String(chainId),
      placeholder: "https://…",
    });
    input.value = value;
    input.addEventListener("change", () => {
      state.rpcByChain.set(chainId, input.value.trim());
      state.typedRpc.add(chainId);
      void verify();
    });
    return h(
      "div",
      { class: "field" },
      h("label", { for: id }, `JSON-RPC URL for ${chainLabel(chainId)}`),
      input,
      h("small", {}, "Anchors are read through it; remembered in this browser once they check."),
    );
  });
  ui.rpcFields.replaceChildren(
    ...(fields.length > 0
      ? fields
      : [h("p", { class: "hint" }, "The bundle has no anchors yet: nothing to read on a chain.")]),
  );
}

function applyPublishedConfirmations(): void {
  const published = state.published;
  if (published === undefined || state.confirmationsTouched) return;
  const bundleChains = state.bundle === undefined ? undefined : chainIdsOf(state.bundle.bundle);
  const wanted = published.chains
    .filter((chain) => bundleChains === undefined || bundleChains.includes(chain.chainId))
    .flatMap((chain) => (chain.confirmations === undefined ? [] : [chain.confirmations]));
  if (wanted.length > 0) ui.confirmations.value = String(Math.max(...wanted));
}

async function loadPublishedLog(api: string): Promise<void> {
  ui.signerSource.textContent = `Reading ${apiBase(api)}/v1/log…`;
  const published = await fetchPublishedLog(api);
  if (published === undefined) {
    ui.signerSource.textContent = `Could not read ${apiBase(api)}/v1/log: type the log's published signer.`;
    return;
  }
  state.published = published;
  if (published.checkpointSigner !== undefined && !state.signerTouched) {
    ui.signer.value = published.checkpointSigner;
    ui.signerSource.textContent = `As published by ${apiBase(api)}/v1/log; you may change it.`;
  }
  applyPublishedConfirmations();
  if (state.bundle !== undefined) await verify();
}

// --- Fetching by entry id -------------------------------------------------------------------

function say(message: string, isError: boolean): void {
  ui.fetchMessage.textContent = message;
  ui.fetchMessage.classList.toggle("error", isError);
}

/** The origin of an API URL, or undefined when it is no URL. */
function apiOrigin(api: string): string | undefined {
  try {
    return new URL(api.trim()).origin;
  } catch {
    return undefined;
  }
}

/** When the API URL's origin changed, the key field becomes the key kept for that origin, or empty. */
function syncApiKey(): void {
  const origin = apiOrigin(ui.apiUrl.value);
  if (origin === state.keyOrigin) return;
  state.keyOrigin = origin;
  ui.apiKey.value =
    origin === undefined ? "" : (storage("session")?.getItem(apiKeyStorageKey(origin)) ?? "");
}

async function fetchByEntryId(): Promise<void> {
  const run = ++state.fetchRun;
  syncApiKey();
  const entryId = ui.entryId.value.trim();
  const api = ui.apiUrl.value.trim();
  const key = ui.apiKey.value.trim();
  if (entryId === "" || api === "") {
    say("Give the entry id and the API URL.", true);
    return;
  }
  const origin = apiOrigin(api);
  if (origin !== undefined) storage("session")?.setItem(apiKeyStorageKey(origin), key);
  say(`Fetching the proof of ${entryId}…`, false);
  try {
    const bundle = await fetchProof(api, entryId, key);
    if (run !== state.fetchRun) return;
    say(`Fetched the proof of ${entryId} from ${apiBase(api)}.`, false);
    loadBundle(bundle, `entry ${entryId} from ${apiBase(api)}`);
    showChosen();
    await verify();
  } catch (error) {
    if (run !== state.fetchRun) return;
    say((error as Error).message, true);
    if (error instanceof FetchProofError && error.needs === "key") ui.apiKey.focus();
  }
}

// --- Verifying ------------------------------------------------------------------------------

function fromOutcomes(outcomes: readonly StepOutcome[]): PageStep[] {
  return outcomes.map((o) => ({
    step: o.step,
    status: o.status,
    details: [o.detail],
    ...(o.expected === undefined ? {} : { expected: o.expected }),
    ...(o.found === undefined ? {} : { found: o.found }),
  }));
}

/** The content the bundle speaks of, from the chosen file; a failed step 1 when it cannot be. */
async function suppliedContent(
  bundle: ProofBundle,
  content: Content,
): Promise<SuppliedContent | StepOutcome> {
  if (bundle.entry.kind === "document") {
    return { kind: "document", sha256: await content.sha256 };
  }
  const text = await content.file.text();
  try {
    return { kind: "transaction", payload: JSON.parse(text) };
  } catch (error) {
    return failed(
      1,
      `the entry is a transaction, and ${content.file.name} is not a JSON payload`,
      "a JSON payload",
      (error as Error).message,
    );
  }
}

/** The page's words where the domain's name CLI flags or the page knows more. */
function explain(
  steps: PageStep[],
  bundle: ProofBundle,
  signerCompared: boolean,
  chainGiven: boolean,
): PageStep[] {
  return steps.map((step) => {
    if (step.step === 4 && step.status === "passed" && !signerCompared) {
      return {
        ...step,
        details: [
          `The signature recovers to the bundle's signer ${bundle.checkpoint.signature.signer}, but it was not compared with a published signer: give the log's checkpoint signer above to compare it.`,
        ],
      };
    }
    if (step.step === 5 && step.status === "skipped" && !chainGiven && bundle.anchors.length > 0) {
      const chains = chainIdsOf(bundle).map(chainLabel).join(", ");
      return {
        ...step,
        details: [
          `${bundle.anchors.length} anchor(s) not checked: give a JSON-RPC URL for ${chains} above.`,
        ],
      };
    }
    return step;
  });
}

async function verify(): Promise<void> {
  const loaded = state.bundle;
  if (loaded === undefined) return;
  const run = ++state.verifyRun;
  const { bundle } = loaded;
  ui.result.hidden = false;
  ui.result.dataset.state = "checking";
  ui.result.setAttribute("aria-busy", "true");
  ui.verdict.className = "verdict";
  ui.verdict.textContent =
    state.content === undefined ? "Checking…" : `Checking (hashing ${state.content.file.name})…`;

  const signerText = ui.signer.value.trim();
  const trustedSigner = signerText === "" ? undefined : signerText;
  const confirmations = Math.max(1, Number.parseInt(ui.confirmations.value, 10) || 1);
  const rpcUrls = chainIdsOf(bundle)
    .map((chainId) => state.rpcByChain.get(chainId) ?? "")
    .filter((url) => url !== "");

  let outcomes: PageStep[];
  let content: SuppliedContent | StepOutcome | undefined;
  let unreadable: string | undefined;
  try {
    content =
      state.content === undefined ? undefined : await suppliedContent(bundle, state.content);
  } catch (error) {
    // An unreadable file (moved, permission withdrawn) is no verdict on the bundle.
    unreadable = `could not read ${state.content?.file.name}: ${(error as Error).message}`;
  }
  if (unreadable !== undefined) {
    outcomes = [{ step: 1, status: "error", details: [unreadable] }];
  } else if (content !== undefined && "step" in content) {
    outcomes = fromOutcomes([content]);
  } else {
    const options: VerifyBundleOptions = {
      ...(content === undefined ? {} : { content }),
      ...(trustedSigner === undefined ? {} : { trustedSigner }),
      ...(rpcUrls.length === 0
        ? {}
        : { chain: { confirmations, connect: () => connectReaders(rpcUrls) } }),
    };
    try {
      outcomes = fromOutcomes((await verifyBundle(bundle, options)).steps);
    } catch (error) {
      // Only the chain can throw: steps 1–4 stand, step 5 has no verdict.
      outcomes = [
        ...fromOutcomes(verifyBundleOffline(bundle, options)),
        { step: 5, status: "error", details: [(error as Error).message] },
      ];
    }
  }
  if (run !== state.verifyRun) return;

  const steps = explain(
    pageSteps(outcomes),
    bundle,
    trustedSigner !== undefined,
    rpcUrls.length > 0,
  );
  const verdict = verdictOf(bundle, steps, trustedSigner !== undefined);
  ui.verdict.className = `verdict ${verdict.state}`;
  ui.verdict.textContent = verdict.text;
  renderSteps(ui.steps, steps);
  renderSummary(ui.summary, bundle, {
    ...(trustedSigner === undefined ? {} : { signer: trustedSigner }),
    rpcUrls,
    confirmations,
  });
  ui.result.dataset.state = verdict.state;
  ui.result.removeAttribute("aria-busy");

  if (steps.find((step) => step.step === 5)?.status === "passed") {
    for (const [chainId, url] of state.rpcByChain) {
      if (url !== "" && state.typedRpc.has(chainId)) {
        storage("local")?.setItem(rpcStorageKey(chainId), url);
      }
    }
  }
  await showBlockTimes(bundle, run);
}

/** Reads the anchors' block times from the chain wherever a JSON-RPC URL is given. */
async function showBlockTimes(bundle: ProofBundle, run: number): Promise<void> {
  const times = new Map<Anchor, string | null>();
  await Promise.all(
    bundle.anchors.map(async (anchor) => {
      const url = state.rpcByChain.get(anchor.chainId) ?? "";
      if (url === "") return;
      times.set(anchor, (await blockTimeOf(url, anchor.blockNumber)) ?? null);
    }),
  );
  if (run === state.verifyRun) renderAnchors(ui.anchorsTable, bundle.anchors, times);
}

// --- Wiring ---------------------------------------------------------------------------------

function applyLink(): void {
  const link = parseVerifyLink(window.location.hash);
  if (link.entry !== undefined) ui.entryId.value = link.entry;
  if (link.api !== undefined) ui.apiUrl.value = link.api;
  syncApiKey();
  if (link.rpc !== undefined) {
    state.linkRpc = link.rpc;
    if (state.bundle !== undefined) renderRpcFields(state.bundle.bundle);
  }
  const api = ui.apiUrl.value.trim();
  if (api !== "") void loadPublishedLog(api);
  if (link.entry !== undefined && api !== "") void fetchByEntryId();
}

function start(): void {
  // Served over HTTP(S), the API is most likely where the page is; from file://, nowhere.
  if (window.location.protocol === "http:" || window.location.protocol === "https:") {
    ui.apiUrl.value = window.location.origin;
  }
  syncApiKey();

  ui.files.addEventListener("change", () => {
    const files = [...(ui.files.files ?? [])];
    ui.files.value = "";
    void takeFiles(files);
  });
  // A file dropped outside the zone must not make the browser navigate away from the page.
  for (const type of ["dragover", "drop"] as const) {
    window.addEventListener(type, (event) => event.preventDefault());
  }
  ui.drop.addEventListener("dragenter", () => ui.drop.classList.add("over"));
  ui.drop.addEventListener("dragleave", () => ui.drop.classList.remove("over"));
  ui.drop.addEventListener("drop", (event) => {
    ui.drop.classList.remove("over");
    void takeFiles([...(event.dataTransfer?.files ?? [])]);
  });

  ui.fetchForm.addEventListener("submit", (event) => {
    event.preventDefault();
    void fetchByEntryId();
  });
  ui.apiUrl.addEventListener("input", syncApiKey);
  ui.apiUrl.addEventListener("change", () => {
    syncApiKey();
    const api = ui.apiUrl.value.trim();
    if (api !== "") void loadPublishedLog(api);
  });
  ui.signer.addEventListener("change", () => {
    state.signerTouched = true;
    ui.signerSource.textContent = "As you gave it.";
    void verify();
  });
  ui.confirmations.addEventListener("change", () => {
    state.confirmationsTouched = true;
    void verify();
  });
  ui.verifyButton.addEventListener("click", () => void verify());
  window.addEventListener("hashchange", applyLink);
  // Print everything, the path table included.
  window.addEventListener("beforeprint", () => {
    ui.pathDetails.open = true;
  });
  applyLink();
}

start();
