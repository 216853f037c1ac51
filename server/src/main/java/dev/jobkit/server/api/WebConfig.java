package dev.jobkit.server.api;

import dev.jobkit.server.auth.ApiKeyInterceptor;
import dev.jobkit.server.auth.CallerArgumentResolver;
import java.util.List;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Authenticates {@code /api/**} (but the OpenAPI document and its UI, which hold no data) and gives
 * controllers their caller.
 */
@Configuration
class WebConfig implements WebMvcConfigurer {

  private final ApiKeyInterceptor apiKeys;
  private final CallerArgumentResolver callers;

  WebConfig(ApiKeyInterceptor apiKeys, CallerArgumentResolver callers) {
    this.apiKeys = apiKeys;
    this.callers = callers;
  }

  @Override
  public void addInterceptors(InterceptorRegistry registry) {
    registry
        .addInterceptor(apiKeys)
        .addPathPatterns("/api/**")
        .excludePathPatterns(OpenApiDocument.PUBLIC_PATHS);
  }

  @Override
  public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
    resolvers.add(callers);
  }
}
