package io.github.esdb.embedded.store;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable store's log on disk: one append-only file of records in a data directory, guarded by a lock file.
 * <p>
 * The file starts with a 24-byte header: the magic {@code ESDBLOG1}, the format version (int, 1), the base position
 * (long: the position of the last record before the file's first, raised by a reset) and a CRC32C of those 20 bytes.
 * Then records, each {@code int length} (of the body), {@code int crc32c} (of the body) and the body, whose first
 * byte is its kind:
 * <ul>
 * <li>{@code 1} an event: position, revision, id (most, least significant bits), created ticks (five longs), the
 * JSON flag (a byte), then stream, type, data and metadata, each an int length and the bytes (UTF-8 for names);</li>
 * <li>{@code 2} the end of a commit: the last position of the commit (a long).</li>
 * </ul>
 * A commit counts only once its end record is on disk: recovery keeps whole commits and cuts everything after the
 * last complete one (a torn write, a bad checksum), so a multi-stream append is all there or not at all.
 * <p>
 * Written only under the store's write lock; the interval flusher only forces the channel.
 */
final class LogFile implements AutoCloseable {

	static final String FILE_NAME = "events.log";

	static final String LOCK_NAME = "lock";

	private static final Logger logger = LoggerFactory.getLogger(LogFile.class);

	private static final byte[] MAGIC = "ESDBLOG1".getBytes(StandardCharsets.US_ASCII);

	private static final int VERSION = 1;

	private static final int HEADER_SIZE = 24;

	private static final byte EVENT = 1;

	private static final byte COMMIT = 2;

	/** Larger than any event the server accepts (16 MiB plus names): a bigger length is corruption. */
	private static final int MAX_BODY = 64 * 1024 * 1024;

	private static final int BUFFER_SIZE = 64 * 1024;

	private final Path directory;

	private final Path file;

	private final FsyncPolicy policy;

	private final FileChannel lockChannel;

	private final FileLock lock;

	private final FileChannel channel;

	private final CRC32C crc = new CRC32C();

	private final ScheduledExecutorService flusher;

	private ByteBuffer out = ByteBuffer.allocate(BUFFER_SIZE);

	private boolean pending;

	private volatile boolean dirty;

	private long base;

	private volatile String failure;

	private volatile boolean closed;

	private LogFile(Path directory, FsyncPolicy policy, FileChannel lockChannel, FileLock lock, FileChannel channel) {
		this.directory = directory;
		this.file = directory.resolve(FILE_NAME);
		this.policy = policy;
		this.lockChannel = lockChannel;
		this.lock = lock;
		this.channel = channel;
		this.flusher = (policy == FsyncPolicy.INTERVAL) ? Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "esdb-embedded-fsync");
			thread.setDaemon(true);
			return thread;
		}) : null;
		if (this.flusher != null) {
			this.flusher.scheduleWithFixedDelay(this::forceIfDirty, 1, 1, TimeUnit.SECONDS);
		}
	}

	/**
	 * Locks the data directory (creating it when missing) and opens its log file, writing a header to a new one.
	 * @param directory the data directory
	 * @param policy when to force the file to the disk
	 * @return the open file; call {@link #recover(Consumer)} before writing
	 * @throws IllegalStateException when another server holds the directory
	 * @throws UncheckedIOException when the directory or file cannot be used
	 */
	static LogFile open(Path directory, FsyncPolicy policy) {
		FileChannel lockChannel = null;
		try {
			Files.createDirectories(directory);
			Path lockFile = directory.resolve(LOCK_NAME);
			lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
					StandardOpenOption.WRITE);
			FileLock lock;
			try {
				lock = lockChannel.tryLock();
			}
			catch (OverlappingFileLockException ex) {
				lock = null;
			}
			if (lock == null) {
				String holder = Files.readString(lockFile).trim();
				throw new IllegalStateException("The data directory " + directory.toAbsolutePath()
						+ " is in use by another embedded KurrentDB server"
						+ (holder.isEmpty() ? "" : " (process " + holder + ")") + ", which holds its lock file "
						+ lockFile.getFileName() + ": stop that server, or give this one another data directory");
			}
			lockChannel.truncate(0);
			lockChannel.write(ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid())
				.getBytes(StandardCharsets.US_ASCII)), 0);
			FileChannel channel = FileChannel.open(directory.resolve(FILE_NAME), StandardOpenOption.CREATE,
					StandardOpenOption.READ, StandardOpenOption.WRITE);
			LogFile log = new LogFile(directory, policy, lockChannel, lock, channel);
			if (channel.size() < HEADER_SIZE) {
				log.writeHeader(0);
			}
			else {
				log.readHeader();
			}
			return log;
		}
		catch (IOException ex) {
			closeQuietly(lockChannel);
			throw new UncheckedIOException("Cannot open the data directory " + directory.toAbsolutePath() + ": "
					+ ex.getMessage(), ex);
		}
		catch (RuntimeException ex) {
			closeQuietly(lockChannel);
			throw ex;
		}
	}

	/**
	 * The position of the last record before the file's first one (0 unless the store was reset).
	 * @return the base position
	 */
	long base() {
		return this.base;
	}

	/**
	 * Reads every complete commit in log order, then cuts what follows the last one (a torn or corrupt tail), keeping
	 * the cut bytes in a side file and logging it once.
	 * @param sink receives the records of the complete commits, in order
	 * @return the number of records recovered
	 */
	long recover(Consumer<StoredEvent> sink) {
		long started = System.nanoTime();
		long good = HEADER_SIZE;
		long records = 0;
		String problem = null;
		List<StoredEvent> commit = new ArrayList<>();
		// A stream of its own: closing one made from the channel would close the channel.
		try (InputStream raw = Files.newInputStream(this.file);
				DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 20))) {
			in.skipNBytes(HEADER_SIZE);
			long offset = HEADER_SIZE;
			CRC32C check = new CRC32C();
			while (true) {
				int length;
				try {
					length = in.readInt();
				}
				catch (EOFException ex) {
					if (offset != good || !commit.isEmpty()) {
						problem = "a commit without its end record";
					}
					break;
				}
				if (length < 9 || length > MAX_BODY) {
					problem = "a record length of " + length + " bytes at offset " + offset;
					break;
				}
				int expected;
				byte[] body = new byte[length];
				try {
					expected = in.readInt();
					in.readFully(body);
				}
				catch (EOFException ex) {
					problem = "a record cut short at offset " + offset;
					break;
				}
				check.reset();
				check.update(body, 0, length);
				if ((int) check.getValue() != expected) {
					problem = "a checksum mismatch at offset " + offset;
					break;
				}
				offset += 8L + length;
				ByteBuffer buffer = ByteBuffer.wrap(body);
				byte kind = buffer.get();
				if (kind == EVENT) {
					commit.add(decode(buffer));
				}
				else if (kind == COMMIT) {
					for (StoredEvent event : commit) {
						sink.accept(event);
					}
					records += commit.size();
					commit.clear();
					good = offset;
				}
				else {
					problem = "an unknown record kind " + kind + " at offset " + offset;
					break;
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read " + this.file + ": " + ex.getMessage(), ex);
		}
		try {
			long size = this.channel.size();
			if (problem != null && size > good) {
				Path cut = this.directory.resolve(FILE_NAME + ".cut-" + System.currentTimeMillis());
				try (FileChannel side = FileChannel.open(cut, StandardOpenOption.CREATE_NEW,
						StandardOpenOption.WRITE)) {
					this.channel.transferTo(good, size - good, side);
				}
				this.channel.truncate(good);
				this.channel.force(true);
				logger.warn("Cut the last {} byte(s) of {} at start: {} (a write torn by a crash or a corrupt tail). "
						+ "Every complete commit before it is kept, up to position {}; the cut bytes are in {}",
						size - good, this.file, problem, this.base + records, cut.getFileName());
			}
			this.channel.position(good);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot cut the torn end of " + this.file + ": " + ex.getMessage(), ex);
		}
		logger.info("Recovered {} record(s) from {} in {} ms", records, this.file,
				TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
		return records;
	}

	private static StoredEvent decode(ByteBuffer buffer) {
		long position = buffer.getLong();
		long revision = buffer.getLong();
		long idMost = buffer.getLong();
		long idLeast = buffer.getLong();
		long created = buffer.getLong();
		boolean json = buffer.get() != 0;
		String stream = new String(bytes(buffer), StandardCharsets.UTF_8);
		String type = new String(bytes(buffer), StandardCharsets.UTF_8);
		byte[] data = bytes(buffer);
		byte[] metadata = bytes(buffer);
		return new StoredEvent(stream, revision, position, idMost, idLeast, type, json, data, metadata, created);
	}

	private static byte[] bytes(ByteBuffer buffer) {
		byte[] bytes = new byte[buffer.getInt()];
		buffer.get(bytes);
		return bytes;
	}

	/**
	 * Fails when the file cannot take writes, before the store changes anything.
	 * @throws IllegalStateException when closed or after a failed write
	 */
	void checkWritable() {
		if (this.closed) {
			throw new IllegalStateException("The data directory " + this.directory + " was closed with its server");
		}
		if (this.failure != null) {
			throw new IllegalStateException("The log file " + this.file + " could not be written (" + this.failure
					+ "); restart the server once the disk is fixed");
		}
	}

	/**
	 * Adds a record to the commit under way (buffered until {@link #commit()}).
	 * @param event the record
	 */
	void add(StoredEvent event) {
		byte[] stream = event.stream().getBytes(StandardCharsets.UTF_8);
		byte[] type = event.type().getBytes(StandardCharsets.UTF_8);
		int length = 1 + 5 * 8 + 1 + 16 + stream.length + type.length + event.data().length
				+ event.metadata().length;
		int start = reserve(length);
		this.out.put(EVENT)
			.putLong(event.position())
			.putLong(event.revision())
			.putLong(event.idMost())
			.putLong(event.idLeast())
			.putLong(event.created())
			.put((byte) (event.json() ? 1 : 0));
		this.out.putInt(stream.length).put(stream);
		this.out.putInt(type.length).put(type);
		this.out.putInt(event.data().length).put(event.data());
		this.out.putInt(event.metadata().length).put(event.metadata());
		seal(start, length);
		this.pending = true;
	}

	/**
	 * Ends the commit under way: its records and an end record reach the file (and the disk with
	 * {@link FsyncPolicy#ALWAYS}). Nothing happens when no record was added.
	 * @param lastPosition the position of the commit's last record
	 * @throws UncheckedIOException when the file cannot be written; later writes then fail
	 */
	void commit(long lastPosition) {
		if (!this.pending) {
			return;
		}
		int start = reserve(9);
		this.out.put(COMMIT).putLong(lastPosition);
		seal(start, 9);
		this.pending = false;
		this.out.flip();
		try {
			while (this.out.hasRemaining()) {
				this.channel.write(this.out);
			}
			if (this.policy == FsyncPolicy.ALWAYS) {
				this.channel.force(false);
			}
			else {
				this.dirty = true;
			}
		}
		catch (IOException ex) {
			this.failure = ex.toString();
			logger.error("Cannot write the log file {}: the server takes no more writes until restarted", this.file,
					ex);
			throw new UncheckedIOException("Cannot write the log file " + this.file + ": " + ex.getMessage(), ex);
		}
		finally {
			this.out = (this.out.capacity() > 16 * BUFFER_SIZE) ? ByteBuffer.allocate(BUFFER_SIZE) : this.out.clear();
		}
	}

	/**
	 * Empties the file for a store reset, keeping the new base position so positions go on after it.
	 * @param newBase the position of the last record handed out before the reset
	 */
	void reset(long newBase) {
		checkWritable();
		this.out.clear();
		this.pending = false;
		try {
			this.channel.truncate(0);
			writeHeader(newBase);
		}
		catch (IOException ex) {
			this.failure = ex.toString();
			throw new UncheckedIOException("Cannot reset the log file " + this.file + ": " + ex.getMessage(), ex);
		}
	}

	/** Reserves room for a record of a body length; returns where it starts. */
	private int reserve(int length) {
		int needed = 8 + length;
		if (this.out.remaining() < needed) {
			ByteBuffer grown = ByteBuffer.allocate(Math.max(this.out.capacity() * 2, this.out.position() + needed));
			this.out.flip();
			grown.put(this.out);
			this.out = grown;
		}
		int start = this.out.position();
		this.out.putInt(length).putInt(0);
		return start;
	}

	/** Writes the CRC32C of the record's body into its header. */
	private void seal(int start, int length) {
		this.crc.reset();
		this.crc.update(this.out.array(), start + 8, length);
		this.out.putInt(start + 4, (int) this.crc.getValue());
	}

	private void writeHeader(long newBase) throws IOException {
		ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE);
		header.put(MAGIC).putInt(VERSION).putLong(newBase);
		this.crc.reset();
		this.crc.update(header.array(), 0, 20);
		header.putInt((int) this.crc.getValue()).flip();
		while (header.hasRemaining()) {
			this.channel.write(header, header.position());
		}
		this.channel.force(true);
		this.channel.position(HEADER_SIZE);
		this.base = newBase;
	}

	private void readHeader() throws IOException {
		ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE);
		while (header.hasRemaining() && this.channel.read(header, header.position()) >= 0) {
			// read until full
		}
		header.flip();
		byte[] magic = new byte[MAGIC.length];
		header.get(magic);
		this.crc.reset();
		this.crc.update(header.array(), 0, 20);
		int version = header.getInt();
		long savedBase = header.getLong();
		if (!java.util.Arrays.equals(magic, MAGIC) || version != VERSION
				|| header.getInt() != (int) this.crc.getValue()) {
			throw new IllegalStateException(this.file + " is not an embedded KurrentDB log file (version " + VERSION
					+ "): give the server an empty or its own data directory");
		}
		this.base = savedBase;
	}

	private void forceIfDirty() {
		if (!this.dirty || this.closed) {
			return;
		}
		this.dirty = false;
		try {
			this.channel.force(false);
		}
		catch (IOException ex) {
			logger.warn("Cannot force {} to the disk", this.file, ex);
		}
	}

	/** Forces what was written, then releases the file and the directory's lock. */
	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		if (this.flusher != null) {
			this.flusher.shutdownNow();
		}
		try {
			if (this.channel.isOpen()) {
				this.channel.force(false);
			}
		}
		catch (IOException ex) {
			logger.warn("Cannot force {} to the disk on close", this.file, ex);
		}
		this.closed = true;
		closeQuietly(this.channel);
		try {
			this.lock.release();
		}
		catch (IOException ex) {
			logger.debug("Releasing the lock of {} failed", this.directory, ex);
		}
		closeQuietly(this.lockChannel);
	}

	private static void closeQuietly(FileChannel channel) {
		if (channel == null) {
			return;
		}
		try {
			channel.close();
		}
		catch (IOException ex) {
			logger.debug("Closing {} failed", channel, ex);
		}
	}

}
