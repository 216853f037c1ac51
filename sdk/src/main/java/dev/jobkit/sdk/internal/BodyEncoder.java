package dev.jobkit.sdk.internal;

import feign.RequestTemplate;
import feign.codec.Encoder;
import java.lang.reflect.Type;

/**
 * Request bodies: a {@code byte[]} (a dataset's content) is sent as it is; everything else is
 * written as JSON by {@code json}. Jackson alone would send bytes as a base64 string.
 */
public final class BodyEncoder implements Encoder {

  private final Encoder json;

  public BodyEncoder(Encoder json) {
    this.json = json;
  }

  @Override
  public void encode(Object object, Type bodyType, RequestTemplate template) {
    if (object instanceof byte[] bytes) {
      template.body(bytes, null);
    } else {
      json.encode(object, bodyType, template);
    }
  }
}
