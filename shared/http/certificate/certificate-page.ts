/**
 * The proof certificate as one printable HTML page: what was recorded, where it is anchored,
 * the five checks of spec/proof-v1.md in words with this entry's values, a QR code that opens
 * the verify page, and the bundle itself as a download. Self-contained (no scripts, fonts or
 * remote images), so that saved or printed it reads the same.
 */
import type { Certificate } from "../../app/certificate.ts";
import { explorerTxUrl, knownChain } from "../../domain/chains/known-chains.ts";
import type { Anchor } from "../../domain/proof/bundle-schema.ts";
import { escapeHtml as e } from "../html.ts";

const STYLE = `
  @page { size: A4; margin: 14mm; }
  body { font: 14px/1.45 system-ui, sans-serif; color: #111; max-width: 820px; margin: 24px auto; padding: 0 16px; }
  header { display: flex; justify-content: space-between; align-items: baseline; border-bottom: 2px solid #111; }
  header b { letter-spacing: .2em; }
  h1 { font-size: 20px; margin: 18px 0 8px; }
  h2 { font-size: 15px; margin: 18px 0 6px; text-transform: uppercase; letter-spacing: .06em; }
  table { border-collapse: collapse; width: 100%; }
  th { text-align: left; vertical-align: top; width: 11em; font-weight: 600; padding: 3px 8px 3px 0; }
  td { padding: 3px 0; }
  code, .hash { font-family: ui-monospace, monospace; font-size: 12.5px; word-break: break-all; }
  .top { display: flex; gap: 20px; align-items: flex-start; }
  .top > div:first-child { flex: 1; }
  .qr { width: 160px; text-align: center; font-size: 11px; }
  .qr svg { width: 160px; height: 160px; }
  ol li { margin-bottom: 6px; }
  footer { margin-top: 20px; font-size: 11px; color: #555; border-top: 1px solid #aaa; padding-top: 6px; }
  .pending { color: #8a5a00; }
  .timeline th { width: auto; }
  .timeline td { padding-right: 8px; }
  .timeline .current { font-weight: 600; background: #f2f2f2; }
  @media print { a { color: inherit; text-decoration: none; } .no-print { display: none; } }
`;

function row(label: string, valueHtml: string): string {
  return `<tr><th>${e(label)}</th><td>${valueHtml}</td></tr>`;
}

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

const hash = (text: string) => `<span class="hash">${e(text)}</span>`;

function chainName(chainId: number): string {
  return `${knownChain(chainId).name} (chain id ${chainId})`;
}

function anchorRows(anchor: Anchor): string {
  const explorer = explorerTxUrl(anchor.chainId, anchor.txHash);
  const tx =
    explorer === undefined
      ? hash(anchor.txHash)
      : `<a href="${e(explorer)}">${hash(anchor.txHash)}</a>`;
  return [
    row("Chain", e(chainName(anchor.chainId))),
    row(
      "Block",
      `${anchor.blockNumber}${anchor.blockTime === undefined ? "" : `, ${e(utc(anchor.blockTime))}`}`,
    ),
    row("Transaction", tx),
    row("Contract", hash(anchor.contract)),
    row("Status", anchor.status === "final" ? "final (confirmed)" : "included, not yet final"),
  ].join("");
}

/** "2026-11-24 01:02:03 UTC" from an RFC 3339 time. */
function utc(time: string): string {
  const date = new Date(time);
  return Number.isNaN(date.getTime())
    ? time
    : `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

function headline(certificate: Certificate): string {
  const { bundle } = certificate;
  const what = bundle.entry.kind === "document" ? "This document" : "This transaction";
  const [first] = bundle.anchors;
  if (first === undefined) {
    return `${what} is recorded in a signed append-only log; its anchor on a public chain is pending.`;
  }
  const chains = bundle.anchors.map((anchor) => knownChain(anchor.chainId).name).join(" and ");
  return `${what} is recorded in an append-only log anchored on ${chains}${
    first.blockTime === undefined ? "" : ` since ${utc(first.blockTime)}`
  }.`;
}

function steps(certificate: Certificate, bundleName: string): string {
  const { bundle, checkpointSigner } = certificate;
  const { entry, checkpoint } = bundle;
  const content =
    entry.kind === "document"
      ? "The SHA-256 of the document's bytes"
      : "The SHA-256 of the RFC 8785 canonical JSON of the transaction payload";
  const anchorSteps =
    bundle.anchors.length === 0
      ? "<li>Anchor: not anchored yet. Fetch the proof again later for one that is.</li>"
      : bundle.anchors
          .map(
            (anchor) =>
              `<li>Anchor on ${e(chainName(anchor.chainId))}: transaction ${hash(anchor.txHash)} in canonical block ${anchor.blockNumber} succeeded and its log index ${anchor.logIndex} is an <code>Anchored</code> event of contract ${hash(anchor.contract)} with logId = keccak256("${e(checkpoint.origin)}"), tree size ${checkpoint.treeSize} and root ${hash(checkpoint.rootHash)}.</li>`,
          )
          .join("");
  return `<ol>
    <li>Content hash: ${e(content)} is ${hash(entry.contentHash)}.</li>
    <li>Leaf hash: SHA-256(0x00 ‖ content hash) is ${hash(bundle.leafHash)}.</li>
    <li>Inclusion: from leaf ${bundle.leafIndex}, ${count(bundle.inclusionPath.length, "hash", "hashes")} of the inclusion path in the bundle lead, as RFC 9162 §2.1.3.2 computes, to the root ${hash(checkpoint.rootHash)} of the tree of ${count(checkpoint.treeSize, "entry", "entries")}.</li>
    <li>Checkpoint signature: the checkpoint text (origin, tree size, root in base64) carries an EIP-191 signature that recovers to ${hash(checkpointSigner)}, the log's published signer.</li>
    ${anchorSteps}
  </ol>
  <p>Check all five yourself with the bundle and any JSON-RPC endpoint of the chain:<br>
  <code>npx stele verify ${e(bundleName)} ${entry.kind === "document" ? "--file &lt;document&gt;" : "--payload &lt;transaction.json&gt;"} --signer ${e(checkpointSigner)} --rpc &lt;RPC URL&gt;</code></p>`;
}

/** The subject's events in chain order, this entry's row marked. */
function timeline(certificate: Certificate): string {
  const page = certificate.timeline;
  if (page === undefined) return "";
  const rows = page.entries.map((event) => {
    const current = event.id === certificate.entry.id;
    return `<tr${current ? ' class="current"' : ""}><td>${event.sequence}</td><td>${e(event.eventType ?? "—")}</td><td>${e(utc(event.receivedAt))}</td><td>${e(event.status)}</td><td class="hash">${e(event.id)}${current ? " (this entry)" : ""}</td></tr>`;
  });
  const more =
    page.next === null
      ? ""
      : `<p>The first ${page.entries.length} events; the rest at <code>GET /v1/subjects/${e(page.subject)}/entries?ledger=${e(page.ledger)}</code>.</p>`;
  return `<h2>History of ${e(page.subject)}</h2>
<table class="timeline"><tr><th>#</th><th>Event</th><th>Received</th><th>Status</th><th>Entry</th></tr>${rows.join("")}</table>
${more}<p><small>Each event is followed in the log by a link naming its place in the history and the link before it, so the links' proof bundles show any event missing or out of order.</small></p>`;
}

/** The page. `generatedAt` is an RFC 3339 time; `qrSvg` the QR code of the verify link. */
export function certificatePageHtml(
  certificate: Certificate,
  qrSvg: string,
  generatedAt: string,
): string {
  const { bundle, entry, verifyLink } = certificate;
  const { checkpoint } = bundle;
  const bundleName = `${entry.id}.stele.json`;
  const bundleHref = `data:application/json;base64,${Buffer.from(JSON.stringify(bundle, null, 2)).toString("base64")}`;
  const anchors = bundle.anchors.map(
    (anchor) => `<h2>Anchor</h2><table>${anchorRows(anchor)}</table>`,
  );
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Stele proof certificate ${e(entry.id)}</title>
<style>${STYLE}</style>
</head>
<body>
<header><b>STELE</b><span>Proof certificate</span></header>
<div class="top">
  <div>
    <h1>${e(headline(certificate))}</h1>
    <table>
      ${row("Content hash", `${hash(entry.contentHash)}<br><small>SHA-256${entry.kind === "transaction" ? " of the payload's canonical JSON" : ""}</small>`)}
      ${row("Kind", e(entry.kind))}
      ${row("Entry", `${hash(entry.id)} in ledger <code>${e(entry.ledger)}</code>, leaf ${bundle.leafIndex}`)}
      ${row("Received", e(utc(entry.receivedAt)))}
      ${row("Status", `<span class="${entry.status === "final" ? "" : "pending"}">${e(entry.status)}</span>`)}
      ${entry.subject === undefined ? "" : row("Subject", `<code>${e(entry.subject)}</code>${entry.eventType === undefined ? "" : `, ${e(entry.eventType)}`}`)}
    </table>
  </div>
  <div class="qr">${qrSvg}<br>Scan to verify in a browser</div>
</div>
${anchors.length > 0 ? anchors.join("") : `<h2>Anchor</h2><p class="pending">${certificate.anchoring ? "Not anchored yet: the checkpoint below is signed; its anchor on a public chain follows." : "Not anchored: this log signs its checkpoints but anchors on no chain."}</p>`}
${timeline(certificate)}
<h2>Checkpoint</h2>
<table>
  ${row("Log", `<code>${e(checkpoint.origin)}</code>`)}
  ${row("Tree size", String(checkpoint.treeSize))}
  ${row("Root hash", hash(checkpoint.rootHash))}
  ${row("Signed by", hash(certificate.checkpointSigner))}
</table>
<h2>How this is verified</h2>
${steps(certificate, bundleName)}
<p>Verify page: <a href="${e(verifyLink)}">${e(verifyLink)}</a></p>
<p class="no-print"><a download="${e(bundleName)}" href="${e(bundleHref)}">Download the proof bundle (${e(bundleName)})</a></p>
<footer>Generated ${e(utc(generatedAt))}. The proof is the bundle: it verifies with the chain and the log's published signer alone, without trusting Stele.</footer>
</body>
</html>
`;
}
