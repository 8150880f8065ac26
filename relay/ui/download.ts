// Hands a file made in the page to the browser's downloads (the device file): nothing goes through
// a URL or the relay again, so the secret inside is sent by the relay once, in the API's answer.
export function download(name: string, text: string, type = "application/json"): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
