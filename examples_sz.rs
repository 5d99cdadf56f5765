fn main() {
    println!("Message {} User {} Item {} Row {}", std::mem::size_of::<gchat::api::model::Message>(), std::mem::size_of::<gchat::api::model::User>(), std::mem::size_of::<gchat::app::timeline::Item>(), std::mem::size_of::<gchat::app::timeline::Row>());
}
