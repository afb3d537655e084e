// The browser tests serve pages with the CLI's server (cli/serve.mjs): the same headers users get
// from `convscope serve`. startStaticServer(root, extra) serves `extra` (path -> bytes) from memory.
import { startStaticServer as serve } from '../../cli/serve.mjs';

export const startStaticServer = (root, extra = {}, options = {}) => serve(root, { extra, ...options });
