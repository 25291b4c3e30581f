/** A URL as eka shows it: user name and password replaced, so messages never carry secrets. */
export function redactUrl(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return String(url).replace(/\/\/[^/@\s]*@/, "//***@");
  }
  if (parsed.username === "" && parsed.password === "") return parsed.href;
  parsed.username = "***";
  parsed.password = "";
  return parsed.href;
}
