/**
 * The verify page: takes a document and its proof bundle (dropped, chosen, or fetched by entry
 * id), hashes the document in the browser, runs the same verification use case as
 * `stele verify`, and shows each of the five steps, the inclusion path and the anchors.
 *
 * This file only wires the page's events to the modules that do the work.
 */
import { syncApiKey } from "./api-key.ts";
import { ui } from "./elements.ts";
import { fetchByEntryId } from "./fetch-proof.ts";
import { takeFiles } from "./intake.ts";
import { applyLink } from "./link.ts";
import { confirmationsTyped, loadPublishedLog, signerTyped } from "./published-log.ts";
import { verify } from "./run-verification.ts";

function start(): void {
  // Served over HTTP(S), the API is most likely where the page is; from file://, nowhere.
  if (window.location.protocol === "http:" || window.location.protocol === "https:") {
    ui.apiUrl.value = window.location.origin;
  }
  syncApiKey();

  ui.files.addEventListener("change", () => {
    const files = [...(ui.files.files ?? [])];
    // Emptied so that choosing the same file again is a change too.
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
    signerTyped();
    void verify();
  });
  ui.confirmations.addEventListener("change", () => {
    confirmationsTyped();
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
