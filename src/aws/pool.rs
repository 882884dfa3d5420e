//! Clients per (profile, Region), for views that span several: the
//! approvals inbox now, a fleet later. The connection's own clients serve
//! its profile and Region; its profile in another Region gets clients built
//! from the same configuration (credentials, endpoint, timeouts) on first
//! use; another profile's clients are added by whoever connected it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use aws_config::Region;

use super::{AwsClients, lock};

type Key = (Option<String>, String);

pub struct ClientPool {
    home: Arc<AwsClients>,
    others: Mutex<HashMap<Key, Arc<AwsClients>>>,
}

impl ClientPool {
    pub fn new(home: Arc<AwsClients>) -> Self {
        ClientPool { home, others: Mutex::new(HashMap::new()) }
    }

    /// Registers clients for `profile` in `region` (e.g. a fleet's other accounts).
    pub fn add(&self, profile: Option<String>, region: String, clients: Arc<AwsClients>) {
        lock(&self.others).insert((profile, region), clients);
    }

    /// The clients for `profile` in `region`, or why there are none.
    pub fn get(&self, profile: Option<&str>, region: &str) -> Result<Arc<AwsClients>, String> {
        let home_profile = self.home.profile.as_deref() == profile;
        if home_profile && region == self.home.region {
            return Ok(self.home.clone());
        }
        let key = (profile.map(str::to_string), region.to_string());
        if let Some(found) = lock(&self.others).get(&key) {
            return Ok(found.clone());
        }
        if !home_profile {
            let name = profile.unwrap_or("default");
            return Err(format!("profile {name} is not connected: open it with :profile {name}"));
        }
        let built = Arc::new(self.home.in_other_region(region));
        lock(&self.others).insert(key, built.clone());
        Ok(built)
    }
}

impl AwsClients {
    /// This connection's credentials and endpoint, signing for `region`.
    fn in_other_region(&self, region: &str) -> AwsClients {
        let sdk = self.sdk.to_builder().region(Region::new(region.to_string())).build();
        AwsClients::from_sdk(
            &sdk,
            region.to_string(),
            self.profile.clone(),
            self.endpoint.clone(),
            self.forced_endpoint.as_deref(),
        )
    }
}
