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
  private final ParameterTextInterceptor parameterText;

  WebConfig(
      ApiKeyInterceptor apiKeys,
      CallerArgumentResolver callers,
      ParameterTextInterceptor parameterText) {
    this.apiKeys = apiKeys;
    this.callers = callers;
    this.parameterText = parameterText;
  }

  @Override
  public void addInterceptors(InterceptorRegistry registry) {
    registry
        .addInterceptor(apiKeys)
        .addPathPatterns("/api/**")
        .excludePathPatterns(OpenApiDocument.PUBLIC_PATHS);
    // After authentication: a caller without a key learns nothing from the parameters' checks.
    registry.addInterceptor(parameterText).addPathPatterns("/api/**");
  }

  @Override
  public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
    resolvers.add(callers);
  }
}
