// Loads the channel registry (channels/index.ts registers every channel in src/domain/channels.ts), as each process
// does through src/config.
import '../../channels';
