// Converted models kept in the browser (IndexedDB), so a Keras file converted once opens in seconds
// on the next visit. A record: {key, name, size, params, savedAt, blob}; the key says where the
// model came from (a file's name, size and date, or a URL).
const DB = 'convscope';
const STORE = 'models';

function openDb() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: 'key' });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

// One transaction on the store: fn(store) returns the request whose result is wanted.
async function transaction(mode, fn) {
  const db = await openDb();
  try {
    return await new Promise((resolve, reject) => {
      const t = db.transaction(STORE, mode);
      const request = fn(t.objectStore(STORE));
      t.oncomplete = () => resolve(request.result);
      t.onerror = t.onabort = () => reject(t.error ?? new Error('the model cache transaction failed'));
    });
  } finally {
    db.close();
  }
}

export const fileCacheKey = (file) => `file:${file.name}:${file.size}:${file.lastModified}`;

export const modelCache = {
  get: (key) => transaction('readonly', (s) => s.get(key)),
  list: () => transaction('readonly', (s) => s.getAll()),
  put: (record) => transaction('readwrite', (s) => s.put(record)),
  remove: (key) => transaction('readwrite', (s) => s.delete(key)),
  clear: () => transaction('readwrite', (s) => s.clear()),
};
