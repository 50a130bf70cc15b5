/**
 * Where a node:worker_threads Worker starts. It takes only file: and data: URLs, so when the library was
 * imported over http(s) or from JSR the worker starts from a one-line data: module that imports the remote
 * worker module (Deno caches it like any other import). Local imports start the file directly.
 */
export function workerEntry(url: URL): URL {
  if (url.protocol === "file:") return url;
  return new URL(`data:text/javascript,${encodeURIComponent(`import ${JSON.stringify(url.href)};`)}`);
}
