//! One error type for the service layer, and how it looks to a client.
//!
//! Database and unexpected errors are logged with the request's id (the tracing span) and
//! reach the client only as a generic message: table names and SQL stay in the log.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::domain::FieldError;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("sign-in required")]
    Unauthenticated,
    #[error("not allowed")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("too many requests")]
    TooManyRequests,
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("internal error: {0}")]
    Internal(String),
}

impl ServiceError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        ServiceError::Invalid(vec![FieldError::new(field, message)])
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ServiceError::Unauthenticated => StatusCode::UNAUTHORIZED,
            ServiceError::Forbidden => StatusCode::FORBIDDEN,
            ServiceError::NotFound => StatusCode::NOT_FOUND,
            ServiceError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ServiceError::Conflict(_) => StatusCode::CONFLICT,
            ServiceError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            ServiceError::Db(_) | ServiceError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The message a client may see. Never contains database text.
    pub fn public_message(&self) -> String {
        match self {
            ServiceError::Db(e) => {
                tracing::error!(error = %e, "database error");
                "something went wrong on our side; please try again".to_string()
            }
            ServiceError::Internal(e) => {
                tracing::error!(error = %e, "internal error");
                "something went wrong on our side; please try again".to_string()
            }
            other => other.to_string(),
        }
    }
}

impl IntoResponse for ServiceError {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = match &self {
            ServiceError::Invalid(fields) => json!({ "error": "invalid input", "fields": fields }),
            other => json!({ "error": other.public_message() }),
        };
        (status, Json(body)).into_response()
    }
}

pub type ServiceResult<T> = Result<T, ServiceError>;
