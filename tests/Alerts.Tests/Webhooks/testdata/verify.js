const crypto = require("node:crypto");

function verify(secret, headers, body) {
  const id = headers["webhook-id"], ts = headers["webhook-timestamp"], signatures = headers["webhook-signature"];
  if (Math.abs(Date.now() / 1000 - Number(ts)) > 300) return false; // too old or from the future: a replay
  const key = Buffer.from(secret.slice("whsec_".length), "base64");
  const expected = crypto.createHmac("sha256", key).update(`${id}.${ts}.`).update(body).digest();
  return signatures.split(" ").some((s) => {
    const given = Buffer.from(s.slice(3), "base64");
    return s.startsWith("v1,") && given.length === expected.length && crypto.timingSafeEqual(given, expected);
  });
}
