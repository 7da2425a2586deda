//! `/status/101`: a real protocol switch. A WebSocket upgrade request gets `101 Switching Protocols` and an
//! echo socket; anything else gets 426 with the fields that say how to ask.
//!
//! The handshake is checked here (RFC 6455 section 4.2.1); the framing after it is `tokio-tungstenite`,
//! running over our own connection's byte stream.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use httpstatus_server::Protocol;
use httpstatus_wire::Headers;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};

use crate::add_cors;
use crate::explain::{Sent, error_response, explain, explanation_response};
use crate::negotiate::Format;
use httpstatus_server::{Exchange, ExchangeError};

/// Largest message echoed back.
const MAX_MESSAGE: usize = 1024 * 1024;
/// An echo socket with no message for this long is closed.
const IDLE: Duration = Duration::from_secs(60);

/// Switches to a WebSocket echo when the request is a valid upgrade; 426 (or 400 for a broken handshake)
/// otherwise.
pub async fn switch_or_refuse(ex: &mut Exchange<'_>, format: Format) -> Result<(), ExchangeError> {
    let request = ex.request();
    let asks_websocket = request.wants_upgrade()
        && request
            .headers
            .get("upgrade")
            .is_some_and(|u| u.eq_ignore_ascii_case(b"websocket"));
    if !asks_websocket {
        let explanation = explain(101);
        let note = if ex.protocol() == Protocol::Http2 {
            "HTTP/2 has no 101 Switching Protocols and no Upgrade or Connection fields (RFC 9113 sections 8.6 \
             and 8.2.2), so this 426 comes without them: ask for the same URL over HTTP/1.1 with a WebSocket \
             upgrade (Connection: Upgrade, Upgrade: websocket, Sec-WebSocket-Version: 13, Sec-WebSocket-Key) \
             to get a 101 and an echo socket"
        } else {
            "101 Switching Protocols is only sent to a request that asks for a protocol switch: send a WebSocket \
             upgrade (Connection: Upgrade, Upgrade: websocket, Sec-WebSocket-Version: 13, Sec-WebSocket-Key) \
             over HTTP/1.1 to get a 101 and an echo socket"
        };
        let sent = Sent {
            final_status: 426,
            note: Some(note.into()),
            ..Sent::default()
        };
        let mut response = explanation_response(
            426,
            httpstatus_catalog::phrase(426),
            &explanation,
            &sent,
            format,
        );
        response.headers.append("Upgrade", "websocket")?;
        response.headers.append("Connection", "Upgrade")?;
        response.headers.append("Vary", "Accept")?;
        return ex.respond(add_cors(response)).await;
    }
    if request.method != "GET" {
        let message = "a WebSocket upgrade must use GET (RFC 6455 section 4.1)";
        return ex
            .respond(add_cors(error_response(
                400,
                httpstatus_catalog::phrase(400),
                message,
                format,
            )))
            .await;
    }
    if request.headers.get("sec-websocket-version") != Some(b"13") {
        let message = "this server speaks WebSocket version 13: send Sec-WebSocket-Version: 13";
        let mut response = error_response(426, httpstatus_catalog::phrase(426), message, format);
        response.headers.append("Sec-WebSocket-Version", "13")?;
        response.headers.append("Upgrade", "websocket")?;
        response.headers.append("Connection", "Upgrade")?;
        return ex.respond(add_cors(response)).await;
    }
    let key = match request.headers.get("sec-websocket-key") {
        // A base64-encoded 16-byte nonce is 24 characters.
        Some(key)
            if key.len() == 24
                && key
                    .iter()
                    .all(|&b| b.is_ascii_alphanumeric() || b"+/=".contains(&b)) =>
        {
            key.to_vec()
        }
        _ => {
            let message =
                "Sec-WebSocket-Key must be a base64-encoded 16-byte nonce (24 characters)";
            return ex
                .respond(add_cors(error_response(
                    400,
                    httpstatus_catalog::phrase(400),
                    message,
                    format,
                )))
                .await;
        }
    };

    let mut headers = Headers::new();
    headers.append("Upgrade", "websocket")?;
    headers.append("Sec-WebSocket-Accept", derive_accept_key(&key))?;
    let stream = ex.upgrade(&headers).await?;
    let config = WebSocketConfig::default()
        .max_message_size(Some(MAX_MESSAGE))
        .max_frame_size(Some(MAX_MESSAGE));
    let mut socket = WebSocketStream::from_raw_socket(stream, Role::Server, Some(config)).await;
    loop {
        let message = match tokio::time::timeout(IDLE, socket.next()).await {
            Ok(Some(Ok(message))) => message,
            // Idle, closed, or a protocol error (tungstenite already answered it with a close frame).
            Ok(None) | Ok(Some(Err(_))) => return Ok(()),
            Err(_) => {
                let _ = socket.close(None).await;
                return Ok(());
            }
        };
        match message {
            Message::Text(_) | Message::Binary(_) => {
                if socket.send(message).await.is_err() {
                    return Ok(());
                }
            }
            // Pings are answered by tungstenite on the next read or write; a close is answered likewise.
            Message::Ping(_) | Message::Pong(_) | Message::Frame(_) => {}
            Message::Close(_) => {
                let _ = socket.flush().await;
                return Ok(());
            }
        }
    }
}
