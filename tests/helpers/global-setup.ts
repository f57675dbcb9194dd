// Placeholder replaced below once the HTTP harness exists.
export default async function setup() {}
