package dev.regscope.scan.api;

import dev.regscope.model.ApiError;
import dev.regscope.registry.ContentFault;
import dev.regscope.registry.RegistryException;

/** Names the reason of a failed API call, from its class, status and content fault; pure. */
final class ApiErrors {
  private ApiErrors() {}

  static ApiError reason(RegistryException failure) {
    if (failure.contentFault().isPresent()) {
      return failure.contentFault().get() == ContentFault.DIGEST_MISMATCH
          ? ApiError.DIGEST_MISMATCH
          : ApiError.MALFORMED;
    }
    if (failure.status().orElse(0) == 429) {
      return ApiError.RATE_LIMITED;
    }
    return switch (failure.errorClass()) {
      case NETWORK_ERROR -> ApiError.NETWORK;
      case TIMEOUT -> ApiError.TIMEOUT;
      case AUTHENTICATION -> ApiError.AUTHENTICATION;
      case NOT_FOUND -> ApiError.NOT_FOUND;
      case SERVER_ERROR -> ApiError.SERVER_ERROR;
      case INVALID_REQUEST -> ApiError.INVALID_REQUEST;
      case UNKNOWN -> ApiError.UNKNOWN;
    };
  }

  /**
   * Whether the failure means the registry cannot be reached now, so the rest of the scan would
   * only fail the same way, slowly.
   */
  static boolean unreachable(ApiError reason) {
    return reason == ApiError.NETWORK || reason == ApiError.TIMEOUT;
  }
}
