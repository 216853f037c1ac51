package dev.jobkit.sdk;

import dev.jobkit.sdk.data.Dataset;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A dataset's bytes as they arrive, checked against its record at the end: the stream's last read
 * throws {@link ChecksumMismatchException} instead of reporting the end when the size or the
 * SHA-256 differs. A stream closed before its end is not checked.
 */
final class CheckedContent extends FilterInputStream {

  private final Dataset record;
  private final MessageDigest sha = sha256();
  private long size;
  private boolean checked;

  CheckedContent(InputStream in, Dataset record) {
    super(in);
    this.record = record;
  }

  /** The record the bytes are checked against. */
  Dataset record() {
    return record;
  }

  @Override
  public int read() throws IOException {
    int b = in.read();
    if (b < 0) {
      check();
    } else {
      sha.update((byte) b);
      size++;
    }
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int n = in.read(buffer, offset, length);
    if (n < 0) {
      check();
    } else {
      sha.update(buffer, offset, n);
      size += n;
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    // Skipped bytes must still be hashed: read them.
    byte[] buffer = new byte[8192];
    long skipped = 0;
    while (skipped < n) {
      int read = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
      if (read < 0) {
        break;
      }
      skipped += read;
    }
    return skipped;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  private void check() {
    if (checked) {
      return;
    }
    checked = true;
    String actual = HexFormat.of().formatHex(sha.digest());
    if (size != record.sizeBytes() || !actual.equals(record.sha256())) {
      throw new ChecksumMismatchException(
          "dataset "
              + record.id()
              + " arrived as "
              + size
              + " bytes with SHA-256 "
              + actual
              + ", but its record says "
              + record.sizeBytes()
              + " bytes with SHA-256 "
              + record.sha256()
              + ("path".equals(record.source())
                  ? " (the registered file " + record.path() + " changed since it was registered)"
                  : ""),
          record.sha256(),
          actual);
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
