import { ChatLog } from './panels/ChatLog.tsx';
import { JoinPanel } from './panels/JoinPanel.tsx';
import { LabPanel } from './panels/LabPanel.tsx';
import { MessageForm } from './panels/MessageForm.tsx';
import { Notices } from './panels/Notices.tsx';
import { RehearsePanel } from './panels/RehearsePanel.tsx';
import { StatusLine } from './panels/StatusLine.tsx';
import { TransportPicker } from './panels/TransportPicker.tsx';
import { WireView } from './panels/WireView.tsx';

export function App() {
  return (
    <>
      <header className="site-header">
        <h1>Wirelab</h1>
        <p>Chat over polling, long polling, Server-Sent Events or WebSocket, and see what each one costs.</p>
      </header>
      <main className="layout">
        <section className="chat-column" aria-label="Chat">
          <JoinPanel />
          <TransportPicker />
          <StatusLine />
          <Notices />
          <LabPanel />
          <RehearsePanel />
          <ChatLog />
          <MessageForm />
        </section>
        <WireView />
      </main>
    </>
  );
}
